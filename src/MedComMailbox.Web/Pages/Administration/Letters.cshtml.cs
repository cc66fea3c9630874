using MedComMailbox.Core.Letters;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Administration;

/// <summary>Every kind of letter with the text the workflow writes it with now, and where that text comes from.</summary>
public sealed class LettersModel(LetterTemplates templates) : PageModel
{
    public const string MessageKey = "letters.message";

    public IReadOnlyList<LetterTemplateView> Templates { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Templates = await templates.ListAsync(cancellationToken);
        Message = TempData[MessageKey] as string;
    }
}

/// <summary>Danish texts of the letter administration.</summary>
public static class LetterText
{
    public static string Source(LetterTemplateSource source) => source switch
    {
        LetterTemplateSource.Database => "Ændret af en administrator",
        LetterTemplateSource.Configuration => "Fra konfigurationen (Workflow:Letters)",
        _ => "Standardtekst",
    };

    public static string Recipient(LetterKind kind) => kind switch
    {
        LetterKind.GpReceipt or LetterKind.GpReceiptConsentJoined => "Lægen (MedCom-svar)",
        LetterKind.Decision or LetterKind.CourseMeeting or LetterKind.ConsentStopped => "Lægen (MedCom-svar) og forældrene (Digital Post)",
        _ when ChildLetters.ParentsKind(kind) is not null => "Barnet fra 15 år (Digital Post)",
        _ => "Forældrene (Digital Post)",
    };

    public static string Placeholder(string name) => name switch
    {
        "municipality" => "kommunens navn",
        "committee" => "udvalgets navn",
        "childName" => "barnets navn",
        "childCpr" => "barnets CPR-nummer",
        "committeePhone" => "udvalgets telefonnummer (fra kommunens indstillinger)",
        "committeeEmail" => "udvalgets e-mailadresse (fra kommunens indstillinger)",
        "stillToConsent" => "en sætning om, hvem der stadig skal give samtykke (tom, når samtykket dækker alle)",
        "gpName" => "lægens navn",
        "receivedDate" => "datoen, henvendelsen kom",
        "recipientName" => "modtagerens navn",
        "consentLink" => "linket til samtykkesiden",
        "deadline" => "svarfristen",
        "meetingDate" => "mødets dato",
        "outcome" => "udvalgets beslutning",
        "responsibleParty" => "den indsatsansvarlige",
        "summary" => "referatet",
        "meetingKind" => "mødets art (opstartsmøde, opfølgningsmøde, afslutningsmøde)",
        "meetingTime" => "mødets tidspunkt",
        "meetingPlace" => "mødets sted",
        _ => name,
    };
}
