using System.Globalization;
using System.Text;
using MedComMailbox.Infrastructure.Administration;
using MedComMailbox.Core.People;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Audit;

/// <summary>
/// The audit log (administrators only, by the folder convention): the newest entries with the CPR number masked, a
/// search for one person (a POST: the CPR number never goes into an address) and that person's entries as CSV. Every
/// view of the log and every export is itself logged before anything is shown.
/// </summary>
public sealed class IndexModel(AuditLog audit, TimeProvider time) : PageModel
{
    public const int RecentCount = 100;
    public const int SearchLimit = 1000;
    public const int ExportLimit = 100_000;

    /// <summary>Why an administrator looks a person up; logged as the purpose of the look-up itself.</summary>
    public static readonly IReadOnlyList<string> Purposes =
    [
        "Indsigtsanmodning fra borgeren",
        "Kontrol af medarbejderes adgang",
        "Undersøgelse af en sikkerhedshændelse",
    ];

    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    [BindProperty]
    public string? Cpr { get; set; }

    [BindProperty]
    public DateOnly? From { get; set; }

    [BindProperty]
    public DateOnly? Until { get; set; }

    [BindProperty]
    public string? Purpose { get; set; }

    public IReadOnlyList<AuditRecord> Recent { get; private set; } = [];

    /// <summary>The searched person's entries; null until a search succeeded.</summary>
    public IReadOnlyList<AuditRecord>? Results { get; private set; }

    public CprNumber? Person { get; private set; }

    public string? CprError { get; private set; }

    public string? PeriodError { get; private set; }

    public string? PurposeError { get; private set; }

    public bool HasErrors => CprError is not null || PeriodError is not null || PurposeError is not null;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NoStore();
        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewAudit, "De nyeste hændelser i revisionsloggen", null, "audit-log", "recent"), cancellationToken);
        Recent = await audit.RecentAsync(RecentCount, cancellationToken);
    }

    public async Task<IActionResult> OnPostSearchAsync(CancellationToken cancellationToken)
    {
        NoStore();
        if (!Validate(out var cpr, out var from, out var until))
        {
            return Page();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewAudit, Purpose!, cpr.Value, "audit-log", PeriodText()), cancellationToken);
        Person = cpr;
        Results = await audit.ForPersonAsync(cpr.Value, from, until, SearchLimit, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken cancellationToken)
    {
        NoStore();
        if (!Validate(out var cpr, out var from, out var until))
        {
            return Page();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ExportAudit, Purpose!, cpr.Value, "audit-log", PeriodText()), cancellationToken);
        var entries = await audit.ForPersonAsync(cpr.Value, from, until, ExportLimit, cancellationToken);
        // The file name carries no personal data: downloads folders and browser histories keep it.
        var name = $"revisionslog-{TimeZoneInfo.ConvertTime(time.GetUtcNow(), Copenhagen):yyyy-MM-dd-HHmm}.csv";
        return File(AuditCsv.Write(entries), "text/csv; charset=utf-8", name);
    }

    /// <summary>The period as the log shows it: "01-01-2026–31-01-2026", or "hele perioden".</summary>
    public string PeriodText() =>
        From is null && Until is null ? "hele perioden" : $"{(From is { } f ? Display.Date(f) : "")}–{(Until is { } u ? Display.Date(u) : "")}";

    private bool Validate(out CprNumber cpr, out DateTimeOffset? from, out DateTimeOffset? until)
    {
        cpr = default;
        from = From is { } f ? StartOfDay(f) : null;
        // The end date is included: the period runs to the start of the next day.
        until = Until is { } u ? StartOfDay(u.AddDays(1)) : null;
        if (CprNumber.TryParse(Cpr, out var parsed))
        {
            cpr = parsed.Value;
        }
        else
        {
            CprError = "Skriv et gyldigt CPR-nummer: 10 cifre (fx 010190-1234) med en gyldig fødselsdato.";
        }

        if (!ModelState.IsValid && (ModelState[nameof(From)]?.Errors.Count > 0 || ModelState[nameof(Until)]?.Errors.Count > 0))
        {
            PeriodError = "Skriv datoerne som dd-mm-åååå, eller lad dem stå tomme.";
        }
        else if (From is { } start && Until is { } end && end < start)
        {
            PeriodError = "Slutdatoen ligger før startdatoen.";
        }

        if (Purpose is null || !Purposes.Contains(Purpose, StringComparer.Ordinal))
        {
            PurposeError = "Vælg formålet med opslaget.";
        }

        return !HasErrors;
    }

    private static DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local));
    }

    private void NoStore() => Response.Headers.CacheControl = "no-store";
}

/// <summary>The Danish names of the audit actions (the codes stay in the export too, for machines).</summary>
public static class AuditText
{
    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        [AuditActions.ViewInbox] = "Så indbakken",
        [AuditActions.Search] = "Søgte",
        [AuditActions.ViewMessage] = "Åbnede en besked",
        [AuditActions.DownloadAttachment] = "Hentede et bilag",
        [AuditActions.ReplyMessage] = "Svarede på en besked",
        [AuditActions.WriteMessage] = "Skrev en besked",
        [AuditActions.ViewCase] = "Åbnede en sag",
        [AuditActions.RegisterConsent] = "Registrerede samtykke",
        [AuditActions.CloseCase] = "Lukkede en sag",
        [AuditActions.ResendLetter] = "Sendte et brev igen",
        [AuditActions.ViewAgenda] = "Så udvalgets dagsorden",
        [AuditActions.RecordDecision] = "Registrerede en afgørelse",
        [AuditActions.ViewAudit] = "Så revisionsloggen",
        [AuditActions.ExportAudit] = "Eksporterede revisionsloggen",
        [AuditActions.ViewLetter] = "Så et brev",
        [AuditActions.HandOverCourse] = "Overdrog forløbet til den indsatsansvarlige",
        [AuditActions.ViewCourse] = "Så barnets forløb",
        [AuditActions.RecordCourse] = "Registrerede i barnets forløb",
        [AuditActions.ViewActionPlan] = "Så handleplanen",
        [AuditActions.StopCourse] = "Gav den indsatsansvarlige besked om standset sag",
        [AuditActions.NotifyResponsibleParty] = "Sendte e-mail til den indsatsansvarlige",
        [AuditActions.ViewPrintQueue] = "Så udskriftskøen",
        [AuditActions.DownloadPaperLetter] = "Hentede et brev til udskrift",
        [AuditActions.MarkLetterPrinted] = "Markerede et brev som udskrevet og sendt",
        [Workflow.Referrals.LetterTemplates.SavedAction] = "Ændrede en brevskabelon",
        [Workflow.Referrals.LetterTemplates.RevertedAction] = "Satte en brevskabelon tilbage",
        [UserMailboxLimits.SavedAction] = "Ændrede en brugers postkasser",
        [UserMailboxLimits.RemovedAction] = "Fjernede en brugers postkassebegrænsning",
    };

    public static string Action(string code) => Actions.TryGetValue(code, out var text) ? text : code;

    /// <summary>What was looked at or changed, in Danish: the kind's name and its id (the CSV keeps the stored codes).</summary>
    public static string Target(AuditRecord record)
    {
        if (record.TargetKind is null)
        {
            return "–";
        }

        var kind = TargetKind(record.TargetKind);
        return record.TargetId switch
        {
            null => kind,
            "recent" => $"{kind}, de nyeste hændelser",
            var id => $"{kind} {id}",
        };
    }

    public static string TargetKind(string kind) => kind switch
    {
        "case" => "Sag",
        "message" => "Besked",
        "inbox" => "Indbakken",
        "user" => "Bruger",
        "letter" => "Brev",
        "letters" => "Breve",
        "letter-template" => "Brevskabelon",
        "audit-log" => "Revisionsloggen",
        "course" => "Forløb",
        "action-plan" => "Handleplan",
        _ => kind,
    };

    public static string Cpr(string cpr) => cpr.Length == 10 ? $"{cpr[..6]}-{cpr[6..]}" : cpr;
}

/// <summary>The export: UTF-8 with a byte order mark and semicolons, as Danish Excel opens it without an import dialog.</summary>
public static class AuditCsv
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    public static byte[] Write(IEnumerable<AuditRecord> entries)
    {
        var csv = new StringBuilder();
        Line(csv, "Tidspunkt", "Bruger", "Handling", "Handlingskode", "CPR-nummer", "Formål", "Mål", "Mål-id");
        foreach (var e in entries)
        {
            Line(csv,
                TimeZoneInfo.ConvertTime(e.At, Copenhagen).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                e.UserName,
                AuditText.Action(e.Action),
                e.Action,
                e.PersonCpr is null ? "" : AuditText.Cpr(e.PersonCpr),
                e.Purpose,
                e.TargetKind ?? "",
                e.TargetId ?? "");
        }

        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(csv.ToString())];
    }

    private static void Line(StringBuilder csv, params string[] fields)
    {
        csv.AppendJoin(';', fields.Select(Field)).Append("\r\n");
    }

    private static string Field(string value)
    {
        // A cell starting with = + - @ is a formula to a spreadsheet: a user name or purpose must not run as one.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(";\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
