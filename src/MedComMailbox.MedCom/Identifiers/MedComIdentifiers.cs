using System.Globalization;
using System.Text.RegularExpressions;

namespace MedComMailbox.MedCom.Identifiers;

/// <summary>Identifier systems and the format checks MedCom messages rely on.</summary>
public static partial class MedComIdentifiers
{
    /// <summary>GLN systems seen in the wild; all three are accepted on receipt. We write the first.</summary>
    public static readonly IReadOnlyList<string> GlnSystems = ["https://www.gs1.org/gln", "http://www.gs1.org/gln", "urn:oid:1.3.88"];
    public const string GlnSystem = "https://www.gs1.org/gln";
    public const string SorSystem = "urn:oid:1.2.208.176.1.1";
    public const string CprSystem = "urn:oid:1.2.208.176.1.2";
    public const string ReplacementCprSystem = "urn:oid:1.2.208.176.1.6.1.1";
    public const string ReplacementCprSystemPrefix = "urn:oid:1.2.208.176.1.6.1.3.";
    public const string SorEndpointPrefix = "https://sor2.sum.dsdn.dk/#id=";

    public static bool IsGlnSystem(string? system) => system is not null && GlnSystems.Contains(system, StringComparer.Ordinal);

    public static bool IsReplacementCprSystem(string? system) =>
        system == ReplacementCprSystem || (system?.StartsWith(ReplacementCprSystemPrefix, StringComparison.Ordinal) ?? false);

    /// <summary>A GLN (EAN location number): 13 digits whose last is the GS1 mod-10 check digit.</summary>
    public static bool IsValidGln(string? gln)
    {
        if (gln is not { Length: 13 } || !gln.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (gln[11 - i] - '0') * (i % 2 == 0 ? 3 : 1);
        }

        return (10 - (sum % 10)) % 10 == gln[12] - '0';
    }

    /// <summary>A CPR number: 10 digits (a hyphen after the sixth allowed) with a real birth date by the century rule of digit 7. No modulus-11 check: CPR numbers without it are issued since 2007.</summary>
    public static bool IsValidCpr(string? cpr)
    {
        var digits = cpr?.Replace("-", "", StringComparison.Ordinal);
        if (digits is not { Length: 10 } || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var day = int.Parse(digits.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var month = int.Parse(digits.AsSpan(2, 2), CultureInfo.InvariantCulture);
        var yy = int.Parse(digits.AsSpan(4, 2), CultureInfo.InvariantCulture);
        var century = (digits[6] - '0') switch
        {
            <= 3 => 1900,
            4 or 9 => yy <= 36 ? 2000 : 1900,
            _ => yy <= 57 ? 2000 : 1800,
        };
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(century + yy, month);
    }

    /// <summary>A replacement CPR (erstatnings-CPR): 10 characters, six digits of birth date then four letters or digits.</summary>
    public static bool IsValidReplacementCpr(string? value) => value is not null && ReplacementCprPattern().IsMatch(value);

    /// <summary>MedCom's medcom-uuidv4 invariant: <c>urn:uuid:</c> and a lowercase UUID.</summary>
    public static bool IsUrnUuid(string? value) => value is not null && UrnUuidPattern().IsMatch(value);

    /// <summary>A resource id that is a UUID (MedCom examples use lowercase UUIDs as ids).</summary>
    public static bool IsUuid(string? value) => value is not null && UuidPattern().IsMatch(value);

    /// <summary>FHIR's own id rule (<c>[A-Za-z0-9\-\.]{1,64}</c>): what MedCom's profiles demand of a resource id; UUIDs are only what MedCom's examples use.</summary>
    public static bool IsFhirId(string? value) => value is not null && FhirIdPattern().IsMatch(value);

    public static string SorEndpoint(string sorId) => SorEndpointPrefix + sorId;

    [GeneratedRegex("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex UrnUuidPattern();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex FhirIdPattern();

    [GeneratedRegex("^[0-9]{6}[0-9A-Za-z]{4}$")]
    private static partial Regex ReplacementCprPattern();
}
