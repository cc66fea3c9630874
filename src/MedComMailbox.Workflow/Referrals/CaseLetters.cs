using System.Data.Common;
using System.Globalization;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;
using Microsoft.Extensions.Options;
using MedComMailbox.Core.Time;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The texts of a case's letters and GP messages: the templates (an administrator's edit before the configured and the
/// built-in text) filled with the case's values, and how dates, letters and flags read in Danish. Renders only; storing
/// and sending is <see cref="CaseEffects"/>'s.
/// </summary>
public sealed class CaseLetters(IOptions<WorkflowOptions> options, LetterTemplates templates)
{
    internal static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");

    /// <summary>The values every letter may use.</summary>
    public Dictionary<string, string> CommonValues(CaseRow row)
    {
        var o = options.Value;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["municipality"] = o.Municipality,
            ["committee"] = o.Committee,
            ["committeePhone"] = WorkflowOptions.FormatPhone(o.Contact.Phone),
            ["committeeEmail"] = o.Contact.Email,
            ["childName"] = row.ChildName,
            ["childCpr"] = row.ChildCpr.Length == 10 ? $"{row.ChildCpr[..6]}-{row.ChildCpr[6..]}" : row.ChildCpr,
            ["gpName"] = row.GpName ?? "din læge",
            ["receivedDate"] = DateTimeOffset.FromUnixTimeMilliseconds(row.OpenedAt).ToOffset(LocalOffset(DateTimeOffset.FromUnixTimeMilliseconds(row.OpenedAt))).ToString("d. MMMM yyyy", Danish),
        };
    }

    /// <summary>
    /// The letters <paramref name="effects"/> ask for, rendered exactly as <see cref="CaseEffects.ApplyAsync"/> writes them (the same
    /// templates and values), without storing or sending anything: the committee's preview of a decision.
    /// </summary>
    public async Task<IReadOnlyList<RenderedLetter>> RenderAsync(
        DbConnection connection, DbTransaction? transaction, CaseRow row, ReferralCase @case, IReadOnlyList<CaseEffect> effects)
    {
        var letters = new List<RenderedLetter>();
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case SendGpMessage gp:
                    var (gpTemplate, gpText) = await GpTextAsync(connection, transaction, row, @case, gp.Letter, null);
                    letters.Add(new RenderedLetter(LetterChannel.MedCom, gp.Letter, row.GpName ?? "Lægen", null, gpTemplate.Title, gpText));
                    break;
                case SendDigitalPost post:
                    var (template, name, body, _) = await PartyLetterAsync(connection, transaction, row, @case, post.Letter, post.PartyId, null);
                    var role = @case.Parties.FirstOrDefault(p => p.PartyId == post.PartyId)?.Role ?? PartyRole.CustodyHolder;
                    letters.Add(new RenderedLetter(LetterChannel.DigitalPost, post.Letter, name, role, template.Title, body));
                    break;
            }
        }

        return letters;
    }

    /// <summary>The text of a MedCom message to the GP (the segment's text) and the template it came from.</summary>
    internal async Task<(LetterTemplate Template, string Text)> GpTextAsync(
        DbConnection connection, DbTransaction? transaction, CaseRow row, ReferralCase @case, LetterKind kind, IReadOnlyDictionary<string, string>? extra)
    {
        var values = CommonValues(row);
        values["recipientName"] = row.GpName ?? "læge";
        values["stillToConsent"] = StillToConsent(@case);
        AddDecisionValues(values, @case);
        AddExtraValues(values, extra);
        var template = await templates.GetAsync(connection, transaction, kind);
        return (template, template.Render(values));
    }

    /// <summary>A Digital Post letter to one party: its template, addressee, body and (consent letters) the action's deadline.</summary>
    internal async Task<(LetterTemplate Template, string RecipientName, string Body, long? ActionUntil)> PartyLetterAsync(
        DbConnection connection, DbTransaction? transaction, CaseRow row, ReferralCase @case, LetterKind kind, string partyId, IReadOnlyDictionary<string, string>? extra)
    {
        var values = CommonValues(row);
        values["recipientName"] = row.NameOf(partyId);
        long? actionUntil = null;
        if (kind is LetterKind.ConsentRequest or LetterKind.ConsentReminder)
        {
            // The link's token is made when the letter is sent (LetterDispatcher): only its hash is ever stored, so the
            // queued letter keeps a placeholder and the action's deadline, never a usable link.
            var deadline = @case.ConsentDeadline;
            actionUntil = deadline.ToUnixTimeMilliseconds();
            values["consentLink"] = CaseEffects.ConsentLinkPlaceholder;
            values["deadline"] = Format(deadline);
        }

        AddDecisionValues(values, @case);
        AddExtraValues(values, extra);
        // A child of the consent age is written to in the child's own words; the row keeps the letter's kind.
        var party = @case.Parties.FirstOrDefault(p => p.PartyId == partyId);
        var template = await templates.GetAsync(connection, transaction, party?.Role == PartyRole.Child ? ChildLetters.For(kind) : kind);
        return (template, values["recipientName"], template.Render(values), actionUntil);
    }

    private void AddDecisionValues(Dictionary<string, string> values, ReferralCase @case)
    {
        if (@case.Decision is { } d)
        {
            values["meetingDate"] = @case.Agenda is { } a ? Format(a.Meeting) : Format(d.DecidedAt);
            values["outcome"] = d.Outcome;
            values["responsibleParty"] = d.ResponsibleParty;
            values["summary"] = d.Summary;
        }
    }

    /// <summary>
    /// For the GP's receipt of a re-referral that joined a valid consent: who is still asked (a child who turned 15, a
    /// new custody holder), as a sentence after "Sagen behandles på udvalgets næste møde."; empty when nobody is. Never a name.
    /// </summary>
    private static string StillToConsent(ReferralCase @case)
    {
        var pending = @case.Consents.Where(c => c.Answer == ConsentAnswer.Pending).Select(c => c.PartyId).ToHashSet(StringComparer.Ordinal);
        if (pending.Count == 0)
        {
            return "";
        }

        var child = @case.Parties.Any(p => p.Role == PartyRole.Child && pending.Contains(p.PartyId));
        var holders = @case.Parties.Count(p => p.Role == PartyRole.CustodyHolder && pending.Contains(p.PartyId));
        var who = (child, holders) switch
        {
            (true, 0) => "barnet, der nu er fyldt 15 år,",
            (true, _) => "barnet, der nu er fyldt 15 år, og en ny forældremyndighedsindehaver",
            (false, 1) => "en ny forældremyndighedsindehaver",
            _ => "nye forældremyndighedsindehavere",
        };
        return $" Først skal {who} dog give samtykke; anmodningen sendes i Digital Post inden for kort tid.";
    }

    private static void AddExtraValues(Dictionary<string, string> values, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }
    }

    private static readonly TimeZoneInfo Copenhagen = DanishTime.Zone;

    private static TimeSpan LocalOffset(DateTimeOffset instant) => Copenhagen.GetUtcOffset(instant);

    /// <summary>A time as Danes read it in letters: "3. december 2026 kl. 08.30" (Copenhagen time).</summary>
    public static string Format(DateTimeOffset instant)
    {
        var local = instant.ToOffset(LocalOffset(instant));
        return local.ToString("d. MMMM yyyy 'kl.' HH.mm", Danish);
    }

    public static string LetterName(LetterKind kind) => kind switch
    {
        LetterKind.GpReceipt => "Kvittering",
        LetterKind.ConsentRequest => "Anmodning om samtykke",
        LetterKind.ConsentReminder => "Påmindelse om samtykke",
        LetterKind.ClosedNoConsent => "Besked om afslutning uden samtykke",
        LetterKind.Decision => "Udvalgets beslutning",
        LetterKind.CourseMeeting => "Besked om mødetidspunkt",
        LetterKind.ConsentStopped => "Besked om, at sagen er standset",
        LetterKind.GpReceiptConsentJoined => "Kvittering (samtykket gælder fra den tidligere sag)",
        _ when ChildLetters.ParentsKind(kind) is { } parents => LetterName(parents) + " (til barnet)",
        _ => kind.ToString(),
    };

}

/// <summary>How a letter reaches its recipient.</summary>
public enum LetterChannel
{
    /// <summary>A MedCom reply to the GP in the referral's thread.</summary>
    MedCom,
    /// <summary>A Digital Post letter to a party of the case.</summary>
    DigitalPost,
}

/// <summary>A letter as it will be sent: channel, kind, addressee (the party's role for Digital Post), title and text.</summary>
public sealed record RenderedLetter(LetterChannel Channel, LetterKind Kind, string RecipientName, PartyRole? Role, string Title, string Text);
