using MedComMailbox.Core.Consent;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MimeKit;
using netDumbster.smtp;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// The hand-over to a responsible party with an e-mail address, against a real SMTP server in the test (netDumbster):
/// the decision sends exactly one notification with the link to the case and without the child's CPR number or name,
/// the timeline says "sendt" once the mail server took it, and a withdrawal afterwards sends one more (the stop).
/// </summary>
public sealed class HandOverMailTests : IDisposable
{
    private const string Party = "PPR Nord";
    private const string Address = "ppr-nord@kommune.invalid";
    private readonly SimpleSmtpServer _smtp = SimpleSmtpServer.Start();
    private readonly FakeClockMailbox _host;

    public HandOverMailTests() => _host = new FakeClockMailbox(new Dictionary<string, string?>
    {
        ["Workflow:Course:ResponsibleParties:0:Name"] = Party,
        ["Workflow:Course:ResponsibleParties:0:Contact"] = "PPR Nords sekretariat",
        ["Workflow:Course:ResponsibleParties:0:Email"] = Address,
        ["Workflow:Email:Host"] = "127.0.0.1",
        ["Workflow:Email:Port"] = _smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Workflow:Email:UseTls"] = "false",
        ["Workflow:Email:From"] = "koordinationsudvalget@kommune.invalid",
    });

    public void Dispose()
    {
        _host.Dispose();
        _smtp.Dispose();
    }

    private async Task<List<string>> EventsAsync(Guid id) =>
        await _host.App.QueryAsync<string>("SELECT text FROM case_events WHERE case_id = @id ORDER BY id", new { id = id.ToString() });

    private static MimeMessage Parse(string raw) => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));

    [Fact]
    public async Task The_decision_and_the_stop_each_send_one_mail_with_the_link_and_no_personal_data()
    {
        var id = await _host.ReferAsync(Samples.Referral);
        var onAgenda = await _host.ConsentGivenAsync(id);
        var (cpr, name) = (await _host.App.QuerySingleAsync<string>("SELECT child_cpr FROM cases WHERE id = @id", new { id = id.ToString() }),
            await _host.App.QuerySingleAsync<string>("SELECT child_name FROM cases WHERE id = @id", new { id = id.ToString() }));
        Assert.False(string.IsNullOrWhiteSpace(cpr));
        Assert.False(string.IsNullOrWhiteSpace(name));

        _host.Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await _host.Staff.RecordDecisionAsync(id, "Forløb hos PPR Nord", Party, "Udvalget anbefaler et forløb hos PPR Nord.", "udvalg", CancellationToken.None));

        await MailboxApp.Eventually(async () => (await EventsAsync(id)).Any(e => e.StartsWith($"Overdragelse sendt til {Party} via e-mail", StringComparison.Ordinal)), "the hand-over mail sent");
        var mail = Assert.Single(_smtp.ReceivedEmail);
        var message = Parse(mail.Data);
        Assert.Equal(Address, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal($"En ny sag er overdraget til {Party}", message.Subject);
        var text = message.TextBody;
        Assert.Contains($"En ny sag er overdraget til {Party} fra Koordinationsudvalget for børn og unge. Se sagen: http://localhost:5080/sager/{id}", text, StringComparison.Ordinal);
        AssertNoPersonalData(mail.Data, cpr, name);
        var events = await EventsAsync(id);
        Assert.Contains(events, e => e.StartsWith($"Sagen er overdraget til {Party} (PPR Nords sekretariat); besked: e-mail med link til sagen sendes til {Address}", StringComparison.Ordinal));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'notify-responsible-party' AND target_id = @id", new { id = id.ToString() }));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM consumed WHERE consumer = 'hand-over-mail'"));

        // Consent is withdrawn after the decision: the course stops and the party gets one more mail, the stop.
        _host.Clock.Advance(TimeSpan.FromDays(10));
        Assert.True(await _host.Consent.RegisterConsentAsync(id, onAgenda.Parties[1].PartyId, ConsentAnswer.Withdrawn, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();
        await MailboxApp.Eventually(async () => (await EventsAsync(id)).Any(e => e.StartsWith($"Besked om standset forløb sendt til {Party} via e-mail", StringComparison.Ordinal)), "the stop mail sent");
        Assert.Equal(2, _smtp.ReceivedEmailCount);
        // The server keeps no order: the stop is the mail that is not the hand-over.
        var stopRaw = Assert.Single(_smtp.ReceivedEmail, m => m.Data != mail.Data).Data;
        var stop = Parse(stopRaw);
        Assert.StartsWith("Sagen er standset", stop.Subject, StringComparison.Ordinal);
        Assert.Contains($"er standset, fordi samtykket ikke længere gælder. Se sagen: http://localhost:5080/sager/{id}", stop.TextBody, StringComparison.Ordinal);
        AssertNoPersonalData(stopRaw, cpr, name);

        // Nothing more is sent: each notification once.
        await _host.SweepAsync();
        await Task.Delay(500);
        Assert.Equal(2, _smtp.ReceivedEmailCount);
        Assert.DoesNotContain(await EventsAsync(id), e => e.Contains("kunne ikke sendes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_party_with_a_location_number_is_sent_a_medcom_message_with_the_decision_in_the_case()
    {
        const string Gln = "5790000123452";
        using var host = new FakeClockMailbox(new Dictionary<string, string?>
        {
            ["Workflow:Course:ResponsibleParties:0:Name"] = "Skoletjenesten",
            ["Workflow:Course:ResponsibleParties:0:Gln"] = Gln,
            ["Workflow:Course:ResponsibleParties:0:SorId"] = "123456789012",
        });
        var id = await host.ReferAsync(Samples.Referral);
        var onAgenda = await host.ConsentGivenAsync(id);
        host.Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await host.Staff.RecordDecisionAsync(id, "Forløb hos Skoletjenesten", "Skoletjenesten", "Udvalget anbefaler støtte i skolen.", "udvalg", CancellationToken.None));

        var messageId = Assert.Single(await host.App.QueryAsync<string>(
            "SELECT m.id FROM case_messages c JOIN messages m ON m.id = c.message_id WHERE c.case_id = @id AND c.role = 'HandOver' AND m.direction = 'out' AND m.receiver_gln = @Gln",
            new { id = id.ToString(), Gln }));
        Assert.Contains((await host.CaseAsync(id)).Timeline, t => t.Text == $"Overdragelse sendt til Skoletjenesten som MedCom-besked (lokationsnummer {Gln})");
        await MailboxApp.Eventually(() => host.App.OutboundAnswers().Any(a => a.Summary.ReceiverGln == Gln), "the hand-over in the VANS outbound folder");
        // The stored CareCommunication (the file in the folder is its VANS envelope) carries the decision and the link.
        var raw = System.Text.Encoding.UTF8.GetString(await host.App.QuerySingleAsync<byte[]>("SELECT raw FROM messages WHERE id = @messageId", new { messageId }));
        Assert.Contains("Udvalget anbefaler st", raw, StringComparison.Ordinal);
        Assert.Contains($"/sager/{id}", raw, StringComparison.Ordinal);
        Assert.Equal(0, _smtp.ReceivedEmailCount);
    }

    private static void AssertNoPersonalData(string raw, string cpr, string name)
    {
        Assert.DoesNotContain(cpr, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(cpr[..6] + "-" + cpr[6..], raw, StringComparison.Ordinal);
        foreach (var part in name.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.DoesNotContain(part, raw, StringComparison.OrdinalIgnoreCase);
        }
    }
}
