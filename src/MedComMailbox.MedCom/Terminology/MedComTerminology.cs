using System.Collections.Frozen;
using System.Text.Json;

namespace MedComMailbox.MedCom.Terminology;

/// <summary>
/// The code systems and value sets the receiver checks against, loaded from MedCom's published
/// terminology package (medcom.fhir.dk.terminology 2.0.2) that the library carries as embedded data,
/// so a new MedCom release is a data change, not a code change.
/// </summary>
public static class MedComTerminology
{
    public const string CategorySystem = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-careCommunication-categoryCodes";
    public const string ActivitySystem = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes";
    public const string EventSystem = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes";
    public const string PractitionerRoleSystem = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-core-PractitionerRolesSKSadministrativ";
    public const string PrioritySystem = "http://hl7.org/fhir/request-priority";
    public const string DestinationUseSystem = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-destinationUse";

    public static CodeSet Categories { get; } = CodeSet.FromCodeSystem("CodeSystem-medcom-careCommunication-categoryCodes.json");
    public static CodeSet Activities { get; } = CodeSet.FromCodeSystem("CodeSystem-medcom-messaging-activityCodes.json");
    public static CodeSet CareCommunicationActivities { get; } = CodeSet.FromValueSet("ValueSet-medcom-careCommunication-messagingActivities.json");
    public static CodeSet Events { get; } = CodeSet.FromCodeSystem("CodeSystem-medcom-messaging-eventCodes.json");
    public static CodeSet PractitionerRoles { get; } = CodeSet.FromCodeSystem("CodeSystem-medcom-core-PractitionerRolesSKSadministrativ.json");
    public static CodeSet AcknowledgementErrors { get; } = CodeSet.FromCodeSystem("CodeSystem-medcom-acknowledgement-error-codes.json");
    public static CodeSet Priorities { get; } = CodeSet.FromValueSet("ValueSet-medcom-careCommunication-requestPriority.json");
    public static CodeSet AttachmentMimeTypes { get; } = CodeSet.FromValueSet("ValueSet-medcom-core-attachmentMimeTypes.json");
}

/// <summary>The codes of one code system (or of one value set's included concepts), with their displays.</summary>
public sealed class CodeSet
{
    private readonly FrozenDictionary<string, string?> _displays;
    private readonly FrozenDictionary<string, string> _danish;

    private CodeSet(string system, string? version, IEnumerable<KeyValuePair<string, string?>> codes, IEnumerable<KeyValuePair<string, string>>? danish = null)
    {
        System = system;
        Version = version;
        _displays = codes.ToFrozenDictionary(StringComparer.Ordinal);
        _danish = (danish ?? []).ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string System { get; }
    public string? Version { get; }
    public IReadOnlyCollection<string> Codes => _displays.Keys;

    public bool Contains(string? code) => code is not null && _displays.ContainsKey(code);

    public string? Display(string code) => _displays.GetValueOrDefault(code);

    /// <summary>What staff read: the code system's Danish designation, else its display (MedCom writes some in Danish), else null.</summary>
    public string? DanishName(string code) => _danish.GetValueOrDefault(code) ?? Display(code);

    internal static CodeSet FromCodeSystem(string resourceName)
    {
        using var doc = Load(resourceName);
        var root = doc.RootElement;
        var codes = new List<KeyValuePair<string, string?>>();
        var danish = new List<KeyValuePair<string, string>>();
        Collect(root.GetProperty("concept"), codes, danish);
        return new CodeSet(root.GetProperty("url").GetString()!, root.TryGetProperty("version", out var v) ? v.GetString() : null, codes, danish);
    }

    internal static CodeSet FromValueSet(string resourceName)
    {
        using var doc = Load(resourceName);
        var include = doc.RootElement.GetProperty("compose").GetProperty("include")[0];
        var codes = include.GetProperty("concept").EnumerateArray()
            .Select(c => new KeyValuePair<string, string?>(c.GetProperty("code").GetString()!, c.TryGetProperty("display", out var d) ? d.GetString() : null))
            .ToList();
        return new CodeSet(include.GetProperty("system").GetString()!, null, codes);
    }

    private static void Collect(JsonElement concepts, List<KeyValuePair<string, string?>> into, List<KeyValuePair<string, string>> danish)
    {
        foreach (var concept in concepts.EnumerateArray())
        {
            var code = concept.GetProperty("code").GetString()!;
            into.Add(new(code, concept.TryGetProperty("display", out var d) ? d.GetString() : null));
            if (concept.TryGetProperty("designation", out var designations))
            {
                foreach (var designation in designations.EnumerateArray())
                {
                    if (designation.TryGetProperty("language", out var language) && language.GetString() is "da" or "da-DK" && designation.GetProperty("value").GetString() is { } value)
                    {
                        danish.Add(new(code, value));
                        break;
                    }
                }
            }

            if (concept.TryGetProperty("concept", out var children))
            {
                Collect(children, into, danish);
            }
        }
    }

    private static JsonDocument Load(string resourceName)
    {
        var name = "MedComMailbox.MedCom.Terminology." + resourceName;
        using var stream = typeof(CodeSet).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded terminology '{name}' is missing from the build.");
        return JsonDocument.Parse(stream);
    }
}
