using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Cpr;

/// <summary>Settings of the development register (section <c>CprLookup</c>).</summary>
public sealed class DevelopmentPersonsOptions
{
    /// <summary>A JSON file of fictitious persons (<c>CprLookup:DevelopmentPersonsFile</c>); empty = the built-in register.</summary>
    public string? DevelopmentPersonsFile { get; set; }
}

/// <summary>
/// The development stand-in of the CPR register: fictitious persons from a JSON file (or the built-in
/// <c>DevelopmentPersons.json</c>), no network. Format:
/// <c>{"persons":[{"cpr":"…","name":"…","address":["Vej 1","1234 By"],"protectedAddress":false,"digitalPost":true,"dead":false,"custodyHolders":["…"]}]}</c>.
/// A child's holders must be persons of the file; dead holders are left out, as the real register adapter does.
/// </summary>
public sealed class DevelopmentPersonRegister : ICustodyRegister
{
    public const string BuiltInResource = "MedComMailbox.Infrastructure.Cpr.DevelopmentPersons.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, Entry> _persons;

    private DevelopmentPersonRegister(Dictionary<string, Entry> persons) => _persons = persons;

    /// <summary>The persons of the file, or of the built-in register when <paramref name="path"/> is empty.</summary>
    public static DevelopmentPersonRegister Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return BuiltIn();
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InvalidDataException($"CprLookup:DevelopmentPersonsFile '{full}' does not exist.");
        }

        return Parse(File.ReadAllText(full), $"CprLookup:DevelopmentPersonsFile '{full}'");
    }

    public static DevelopmentPersonRegister BuiltIn()
    {
        using var stream = typeof(DevelopmentPersonRegister).Assembly.GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"The built-in register {BuiltInResource} is not embedded.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "the built-in development register");
    }

    /// <summary>Reads a register; errors name the entry by position, never by CPR or name.</summary>
    public static DevelopmentPersonRegister Parse(string json, string source = "the development register")
    {
        PersonFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PersonFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON (line {e.LineNumber + 1}).");
        }

        if (file?.Persons is not { Count: > 0 } persons)
        {
            throw new InvalidDataException($"{source} lists no persons.");
        }

        var byCpr = new Dictionary<string, Entry>(StringComparer.Ordinal);
        for (var i = 0; i < persons.Count; i++)
        {
            var p = persons[i];
            if (p.Cpr is null || !IsValidCpr(p.Cpr))
            {
                throw new InvalidDataException($"{source}: persons[{i}].cpr is not 10 digits with a real birth date.");
            }

            if (string.IsNullOrWhiteSpace(p.Name))
            {
                throw new InvalidDataException($"{source}: persons[{i}].name is missing.");
            }

            if (p.CustodyHolders is { Count: > 2 })
            {
                throw new InvalidDataException($"{source}: persons[{i}] has more than two custody holders.");
            }

            if (!byCpr.TryAdd(p.Cpr, new Entry(i, p)))
            {
                throw new InvalidDataException($"{source}: persons[{i}] repeats the CPR of an earlier entry.");
            }
        }

        foreach (var (_, entry) in byCpr)
        {
            foreach (var (holder, j) in (entry.Person.CustodyHolders ?? []).Select((h, j) => (h, j)))
            {
                if (!byCpr.ContainsKey(holder) || holder == entry.Person.Cpr)
                {
                    throw new InvalidDataException($"{source}: persons[{entry.Index}].custodyHolders[{j}] is not another person of the register.");
                }
            }
        }

        return new DevelopmentPersonRegister(byCpr);
    }

    public int Count => _persons.Count;

    public Task<ChildCustody?> LookupChildAsync(string childCpr, CancellationToken cancellationToken)
    {
        if (!_persons.TryGetValue(childCpr, out var child))
        {
            return Task.FromResult<ChildCustody?>(null);
        }

        var holders = (child.Person.CustodyHolders ?? [])
            .Distinct(StringComparer.Ordinal)
            .Select(cpr => ToRegistered(_persons[cpr].Person))
            .Where(h => !h.Dead)
            .ToList();
        return Task.FromResult<ChildCustody?>(new ChildCustody(ToRegistered(child.Person), holders));
    }

    public Task<RegisteredPerson?> LookupPersonAsync(string cpr, CancellationToken cancellationToken) =>
        Task.FromResult(_persons.TryGetValue(cpr, out var entry) ? ToRegistered(entry.Person) : null);

    /// <summary>10 digits whose first six are a real date under the CPR century rule (digit 7). Modulus 11 is not checked.</summary>
    public static bool IsValidCpr(string cpr)
    {
        if (cpr.Length != 10 || !cpr.All(char.IsAsciiDigit))
        {
            return false;
        }

        var day = int.Parse(cpr[..2], CultureInfo.InvariantCulture);
        var month = int.Parse(cpr[2..4], CultureInfo.InvariantCulture);
        var yy = int.Parse(cpr[4..6], CultureInfo.InvariantCulture);
        var century = (cpr[6] - '0') switch
        {
            <= 3 => 1900,
            4 or 9 => yy <= 36 ? 2000 : 1900,
            _ => yy <= 57 ? 2000 : 1800,
        };
        var year = century + yy;
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static RegisteredPerson ToRegistered(PersonEntry p) => new(
        p.Cpr!, p.Name!.Trim(), p.ProtectedAddress, p.DigitalPost, p.Dead,
        p.Address is { Count: > 0 } lines ? string.Join('\n', lines.Select(l => l.Trim()).Where(l => l.Length > 0)) : null);

    private sealed record Entry(int Index, PersonEntry Person);

    private sealed record PersonFile(List<PersonEntry>? Persons);

    private sealed record PersonEntry(string? Cpr, string? Name, bool ProtectedAddress, bool? DigitalPost, bool Dead, List<string>? CustodyHolders, List<string>? Address);
}

/// <summary>Reads the development register at start-up so a broken file stops the start with a clear message.</summary>
internal sealed class DevelopmentPersonsValidation : IValidateOptions<DevelopmentPersonsOptions>
{
    public ValidateOptionsResult Validate(string? name, DevelopmentPersonsOptions options)
    {
        try
        {
            DevelopmentPersonRegister.Load(options.DevelopmentPersonsFile);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
