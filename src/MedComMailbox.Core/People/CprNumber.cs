using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MedComMailbox.Core.People;

/// <summary>
/// A Danish CPR number. Personal data: <see cref="ToString"/> masks it so it cannot leak into logs by accident;
/// use <see cref="Value"/> where the full number is really needed (storage, Serviceplatformen calls).
/// </summary>
public readonly record struct CprNumber
{
    private CprNumber(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out CprNumber? cpr)
    {
        cpr = null;
        var digits = text?.Replace("-", "", StringComparison.Ordinal).Trim();
        if (digits is not { Length: 10 } || !digits.All(char.IsAsciiDigit) || BirthDateOf(digits) is null)
        {
            return false;
        }

        cpr = new CprNumber(digits);
        return true;
    }

    public static CprNumber Parse(string text) =>
        TryParse(text, out var cpr) ? cpr.Value : throw new FormatException("Not a CPR number (10 digits with a valid birth date).");

    /// <summary>The birth date, using the century rule of the seventh digit.</summary>
    public DateOnly BirthDate => BirthDateOf(Value)!.Value;

    /// <summary>Age in whole years on a date.</summary>
    public int AgeOn(DateOnly date)
    {
        var birth = BirthDate;
        var age = date.Year - birth.Year;
        if (date < birth.AddYears(age))
        {
            age--;
        }

        return age;
    }

    public override string ToString() => $"{Value[..6]}-xxxx";

    private static DateOnly? BirthDateOf(string digits)
    {
        var day = int.Parse(digits.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var month = int.Parse(digits.AsSpan(2, 2), CultureInfo.InvariantCulture);
        var yy = int.Parse(digits.AsSpan(4, 2), CultureInfo.InvariantCulture);
        var seventh = digits[6] - '0';
        var century = seventh switch
        {
            <= 3 => 1900,
            4 or 9 => yy <= 36 ? 2000 : 1900,
            _ => yy <= 57 ? 2000 : 1800,
        };
        var year = century + yy;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        return new DateOnly(year, month, day);
    }
}
