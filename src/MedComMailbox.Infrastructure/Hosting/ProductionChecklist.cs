using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>One item of the production checklist: the setting it is about, the sentence shown when it is missing, the rule.</summary>
public sealed record ChecklistItem(string Setting, string Sentence, Func<IConfiguration, bool> Holds);

/// <summary>
/// What must be configured before the mailbox may run outside Development. Every development stand-in (password-less
/// staff and citizen sign-in, the fictitious CPR register, the Digital Post stand-in and its letter viewer, the
/// benchmark endpoint, localhost addresses) is used only when its real counterpart is not configured, so outside
/// Development the web process, the worker and <c>medcom check-config</c> refuse a configuration that lacks one.
/// All three call <see cref="Missing"/>; docs/operations.*.md lists the same items ("Production checklist").
/// </summary>
public static class ProductionChecklist
{
    /// <summary>EX_CONFIG from sysexits.h: the process exits with it when the settings are not fit to run.</summary>
    public const int ExitCode = 78;

    public static IReadOnlyList<ChecklistItem> Items { get; } =
    [
        new("Auth:Staff:Authority",
            "Staff sign-in needs the municipality's identity provider: set Auth:Staff:Authority (https) and Auth:Staff:ClientId.",
            c => ServiceAddress(c["Auth:Staff:Authority"]) && Set(c["Auth:Staff:ClientId"])),
        new("Auth:Citizen:Authority",
            "Citizens need a sign-in route to NemLog-in: set Auth:Citizen:Authority (an OpenID Connect broker, https) and Auth:Citizen:ClientId.",
            c => ServiceAddress(c["Auth:Citizen:Authority"]) && Set(c["Auth:Citizen:ClientId"])),
        new("Auth:Citizen:CprClaim",
            "Auth:Citizen:CprClaim must name the claim in which the broker sends the citizen's CPR number.",
            c => c["Auth:Citizen:CprClaim"] is null || Set(c["Auth:Citizen:CprClaim"])),
        new("CprLookup:Mode",
            "CprLookup:Mode must be Serviceplatformen: the fictitious CPR register is for Development only.",
            c => Is(c["CprLookup:Mode"], "Serviceplatformen")),
        new("CprLookup:ServiceUrl",
            "CprLookup:ServiceUrl must be the https address of SF1520 at Serviceplatformen.",
            c => ServiceAddress(c["CprLookup:ServiceUrl"])),
        new("CprLookup:CertificatePath",
            "CprLookup:CertificatePath must name the municipality's PKCS#12 certificate for SF1520.",
            c => Set(c["CprLookup:CertificatePath"])),
        new("DigitalPost:Mode",
            "DigitalPost:Mode must be Serviceplatformen: the Digital Post stand-in and its letter viewer are for Development only.",
            c => Is(c["DigitalPost:Mode"], "Serviceplatformen")),
        new("DigitalPost:ServiceBaseUrl",
            "DigitalPost:ServiceBaseUrl must be the https address of SF1601 at Serviceplatformen.",
            c => ServiceAddress(c["DigitalPost:ServiceBaseUrl"])),
        new("DigitalPost:CertificatePath",
            "DigitalPost:CertificatePath must name the municipality's PKCS#12 certificate for SF1601.",
            c => Set(c["DigitalPost:CertificatePath"])),
        new("Workflow:PublicBaseUrl",
            "Workflow:PublicBaseUrl must be the public https address of the consent page, not localhost.",
            c => PublicAddress(c["Workflow:PublicBaseUrl"])),
        new("Workflow:Contact:Phone",
            "Workflow:Contact:Phone must be the committee's phone number for citizens: every citizen page and letter gives it.",
            c => Set(c["Workflow:Contact:Phone"])),
        new("Workflow:Contact:Email",
            "Workflow:Contact:Email must be the committee's e-mail address for citizens: every citizen page and letter gives it.",
            c => Set(c["Workflow:Contact:Email"])),
        new("Workflow:Email:Host",
            "A responsible party under Workflow:Course:ResponsibleParties has an Email: set Workflow:Email:Host and Workflow:Email:From (the SMTP server the hand-over notifications go through).",
            c => !c.GetSection("Workflow:Course:ResponsibleParties").GetChildren().Any(p => Set(p["Email"])) || (Set(c["Workflow:Email:Host"]) && Set(c["Workflow:Email:From"]))),
        new("Intake:ApiKeys",
            "POST /api/intake needs authentication: list each VANS provider under Intake:ApiKeys or Intake:ClientCertificates.",
            c => HasEntries(c, "Intake:ApiKeys", "Key") || HasEntries(c, "Intake:ClientCertificates", "Thumbprint")),
        new("DigitalPost:StatusCallback:Secret",
            "POST /api/digitalpost/status needs authentication: set DigitalPost:StatusCallback:Secret (HMAC-SHA256) or DigitalPost:StatusCallback:CertificateThumbprints.",
            c => Set(c["DigitalPost:StatusCallback:Secret"]) || c.GetSection("DigitalPost:StatusCallback:CertificateThumbprints").GetChildren().Any(t => Set(t.Value))),
        new("DataProtection:KeysFolder",
            "DataProtection:KeysFolder must name a persistent folder, so sign-ins and forms survive a restart.",
            c => Set(c["DataProtection:KeysFolder"])),
        new("Benchmark:Enabled",
            "Benchmark:Enabled must be false: the benchmark endpoint accepts anything and is for Development only.",
            c => !string.Equals(c["Benchmark:Enabled"]?.Trim(), "true", StringComparison.OrdinalIgnoreCase)),
    ];

    /// <summary>The sentences of the items that do not hold; always empty in Development.</summary>
    public static IReadOnlyList<string> Missing(IConfiguration configuration, string environmentName) =>
        string.Equals(environmentName, Environments.Development, StringComparison.OrdinalIgnoreCase)
            ? []
            : Items.Where(i => !i.Holds(configuration)).Select(i => i.Sentence).ToList();

    /// <summary>
    /// Prints the refusal (a header and one "  - sentence" line per problem) and returns true when the process must not
    /// start: a checklist item is missing outside Development.
    /// </summary>
    public static bool Refuses(string process, string environmentName, IConfiguration configuration, TextWriter error)
    {
        var missing = Missing(configuration, environmentName);
        if (missing.Count == 0)
        {
            return false;
        }

        WriteRefusal(process, missing, error);
        return true;
    }

    /// <summary>The failures of the options validators at start (<c>ValidateOnStart</c>), or null for any other exception.</summary>
    public static IReadOnlyList<string>? StartFailures(Exception exception) => exception switch
    {
        OptionsValidationException e => e.Failures.ToList(),
        AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) =>
            a.InnerExceptions.OfType<OptionsValidationException>().SelectMany(i => i.Failures).Distinct().ToList(),
        _ => null,
    };

    public static void WriteRefusal(string process, IEnumerable<string> sentences, TextWriter error)
    {
        error.WriteLine($"{process} did not start: fix these settings");
        foreach (var sentence in sentences)
        {
            error.WriteLine($"  - {sentence}");
        }

        error.Flush();
    }

    private static bool Set(string? value) => !string.IsNullOrWhiteSpace(value);

    private static bool Is(string? value, string expected) => string.Equals(value?.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>https; plain http only on the loopback interface (a test fake), as the services' own rules allow.</summary>
    private static bool ServiceAddress(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));

    /// <summary>https and not the local machine: citizens open this address from their own devices.</summary>
    private static bool PublicAddress(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps && !url.IsLoopback
        && !url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    private static bool HasEntries(IConfiguration configuration, string path, string field) =>
        configuration.GetSection(path).GetChildren().Any(e => Set(e[field]));
}
