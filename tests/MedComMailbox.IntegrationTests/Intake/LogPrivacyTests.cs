using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>CPR numbers, names and message text never reach the log, at any level, whatever happens to the message.</summary>
public sealed class LogPrivacyTests
{
    [Fact]
    public async Task No_cpr_number_name_or_message_text_is_logged()
    {
        using var app = new MailboxApp(null);
        string[] files =
        [
            "carecommunication/gp-referral-child.json", "carecommunication/gp-referral-child.json", "carecommunication/gp-referral-child.xml",
            "carecommunication/forward-from-hospital.json", "oioxml/xdis91-letter-from-gp.xml", "vans/xdis91-letter-from-gp.vans.xml",
            "invalid/receiver-unknown.json", "invalid/cpr-invalid.xml", "invalid/syntax-invalid.json", "invalid/topic-required.json",
        ];
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var reader = new InboundReader();
        foreach (var file in files)
        {
            var body = Samples.Read(file);
            var read = reader.Read(body, null);
            AddSecrets(secrets, read);
            using var response = await app.PostAsync("/api/intake", body, null);
        }

        // Dispatched is not yet consumed: wait for the triage side too, so its log lines are in the capture.
        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL") == 0, "everything dispatched");
        await MailboxApp.Eventually(
            async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'accepted' AND kind IN ('CareCommunication', 'OioXmlLetter') AND routed_at IS NULL") == 0,
            "every accepted message routed");
        await MailboxApp.Eventually(() => app.Logs.Any(l => l.Contains("put in the inbox", StringComparison.Ordinal)), "the triage log line captured");
        Assert.True(secrets.Count >= 6, "the samples should give CPR numbers, names and texts to look for");
        var log = string.Join('\n', app.Logs);

        Assert.All(secrets, secret => Assert.DoesNotContain(secret, log, StringComparison.Ordinal));
    }

    private static void AddSecrets(HashSet<string> secrets, InboundReadResult read)
    {
        if (read.Summary.PatientCpr is { Length: >= 10 } cpr)
        {
            secrets.Add(cpr);
            secrets.Add($"{cpr[..6]}-{cpr[6..]}");
        }

        if (read.Summary.PatientName is { Length: > 3 } name)
        {
            secrets.Add(name);
        }

        if (read.Parsed is MedComFhirMessage { CareCommunication: { } communication })
        {
            foreach (var text in communication.Segments.Select(s => s.Text).OfType<string>().Where(t => t.Length > 12))
            {
                secrets.Add(text.Trim()[..12]);
            }
        }
    }
}
