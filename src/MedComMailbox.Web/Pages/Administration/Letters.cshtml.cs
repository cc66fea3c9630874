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

    public static string Recipient(LetterKind kind) => kind is LetterKind.GpReceipt or LetterKind.Decision or LetterKind.CourseMeeting or LetterKind.ConsentStopped
        ? kind == LetterKind.GpReceipt ? "Lægen (MedCom-svar)" : "Lægen (MedCom-svar) og forældrene (Digital Post)"
        : "Forældrene og barnet fra 15 år (Digital Post)";

    public static string Placeholder(string name) => name switch
    {
        "municipality" => "kommunens navn",
        "committee" => "udvalgets navn",
        "childName" => "barnets navn",
        "childCpr" => "barnets CPR-nummer",
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
