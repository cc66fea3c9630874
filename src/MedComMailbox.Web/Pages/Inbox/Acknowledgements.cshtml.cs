using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Inbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Inbox;

/// <summary>
/// The acknowledgement overview (MedCom's acknowledgement test protocol, display step): the acknowledgements we sent for
/// what we received, and those we received for what we sent, with the messages still waiting and how often they went
/// out. The inbox's policy and mailbox limits; only ids, location numbers and codes, so viewing it is not audited.
/// </summary>
[Authorize(Policy = Policies.Operator)]
public sealed class AcknowledgementsModel(AcknowledgementQueries queries, IOptions<AuthOptions> authOptions, IOptions<MailboxOptions> mailboxOptions) : PageModel
{
    /// <summary><c>sendte</c> (ours) or <c>modtagne</c> (theirs).</summary>
    [BindProperty(SupportsGet = true, Name = "retning")]
    public string? Side { get; set; }

    /// <summary><c>ok</c>, <c>transient-error</c>, <c>fatal-error</c>, or <c>venter</c> (received side: no acknowledgement yet).</summary>
    [BindProperty(SupportsGet = true, Name = "kode")]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true, Name = "postkasse")]
    public string? Mailbox { get; set; }

    [BindProperty(SupportsGet = true, Name = "efter")]
    public string? After { get; set; }

    public AcknowledgementPage Items { get; private set; } = new([], [], null);

    public IReadOnlyList<MailboxIdentity> Mailboxes { get; private set; } = [];

    public AcknowledgementSide CurrentSide => Side == "modtagne" ? AcknowledgementSide.Received : AcknowledgementSide.Sent;

    public string MailboxName(string? gln) => Mailboxes.FirstOrDefault(m => m.Gln == gln)?.Name ?? gln ?? "ingen postkasse";

    /// <summary>An acknowledgement code in Danish (FHIR codes and the OIOXML receipt's positive/negative).</summary>
    public static string CodeText(string? code) => code switch
    {
        "ok" => "Positiv (ok)",
        "positive" => "Positiv kvittering (OIOXML)",
        "transient-error" => "Midlertidig fejl ('transient-error')",
        "fatal-error" => "Afvist ('fatal-error')",
        "negative" => "Negativ kvittering (OIOXML)",
        null => "Ingen kvittering endnu",
        _ => code,
    };

    public static string CodeClass(string? code) => code switch
    {
        "ok" or "positive" => "ok",
        "fatal-error" or "negative" => "bad",
        _ => "warn",
    };

    public static string KindText(string kind) => kind switch
    {
        "CareCommunication" => "Korrespondance (FHIR)",
        "OioXmlLetter" => "Korrespondancebrev (OIOXML)",
        _ => kind,
    };

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var allowed = User.Mailboxes(authOptions.Value);
        Mailboxes = mailboxOptions.Value.Identities.Where(m => allowed.Count == 0 || allowed.Contains(m.Gln)).ToList();
        var waiting = CurrentSide == AcknowledgementSide.Received && Code == "venter";
        var filter = new AcknowledgementFilter(CurrentSide, waiting ? null : Code, waiting, Mailbox, InboxCursor.Parse(After));
        Items = await queries.ListAsync(filter, allowed, cancellationToken);
    }

    public string ListUrl(string? side = null, string? code = null, string? after = null, bool keepCode = true)
    {
        var query = new Dictionary<string, string?>
        {
            ["retning"] = side ?? Side,
            ["kode"] = code ?? (keepCode ? Code : null),
            ["postkasse"] = Mailbox,
            ["efter"] = after,
        }.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value);
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/indbakke/kvitteringer", query);
    }
}
