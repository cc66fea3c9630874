using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Cpr;

/// <summary>Serviceplatformen SF1520 (CPR replika opslag, PersonBaseDataExtended) settings. Section <c>CprLookup</c>.</summary>
public sealed class CprLookupOptions : IValidatableObject
{
    public const string Section = "CprLookup";

    /// <summary>The service address (the SOAP endpoint of PersonBaseDataExtended).</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The municipality's CVR (8 digits, modulus 11), sent as the caller's context.</summary>
    public string Cvr { get; set; } = "";

    /// <summary>PKCS#12 file with the municipality's certificate for mutual TLS with Serviceplatformen (production).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        new[] { SettingRules.HttpsUrl("CprLookup:ServiceUrl", ServiceUrl), SettingRules.Cvr("CprLookup:Cvr", Cvr) }
            .OfType<string>()
            .Select(p => new ValidationResult(p));
}

/// <summary>The certificate is checked against the clock: an expired one stops the start instead of failing the first lookup.</summary>
internal sealed class CprLookupCertificateValidation(TimeProvider time) : IValidateOptions<CprLookupOptions>
{
    public ValidateOptionsResult Validate(string? name, CprLookupOptions options)
    {
        var problems = SettingRules.Certificate("CprLookup:CertificatePath", options.CertificatePath, options.CertificatePassword, time.GetUtcNow()).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>A custody relation of the child: who holds it (CPR) and whether it is still in force.</summary>
public sealed record CustodyRelation(int Type, string HolderCpr, DateOnly? Start, DateOnly? Ended)
{
    public bool Current => Ended is null;
}

/// <summary>What the mailbox needs of a person. Personal data throughout: never logged.</summary>
public sealed record CprPerson(
    string Cpr,
    string Name,
    DateOnly? BirthDate,
    bool Dead,
    bool ProtectedAddress,
    bool? RegisteredForDigitalPost,
    IReadOnlyList<CustodyRelation> Custody,
    string? Address = null);

/// <summary>The person a letter or consent request goes to: a current custody holder.</summary>
public sealed record CustodyHolder(string Cpr, string Name, bool ProtectedAddress, bool? RegisteredForDigitalPost);

public sealed class CprNotFoundException() : Exception("The CPR register does not know that number.");

public sealed class CprLookupException(string message) : Exception(message);

/// <summary>
/// SF1520 PersonLookup over SOAP. Reads elements by local name so namespace prefixes and version suffixes of the
/// service do not break it. Custody: type 3 = the mother (CPR in relationer/mor), 4 = the father (relationer/far),
/// 5/6 = another holder (relationPersonnummer); a relation with a Sletdato/slutdato has ended and does not count.
/// </summary>
public sealed class CprLookupClient(HttpClient http, IOptions<CprLookupOptions> options)
{
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    public async Task<CprPerson> LookupAsync(string cpr, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var envelope =
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" +
            "<PersonLookupRequest xmlns=\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/\">" +
            $"<PNR>{SecurityElement(cpr)}</PNR><InvocationContext><ServiceAgreementUUID/><UserSystemUUID/><UserUUID/><ServiceUUID/><AccountingInfo>{SecurityElement(o.Cvr)}</AccountingInfo></InvocationContext>" +
            "</PersonLookupRequest></soap:Body></soap:Envelope>";
        using var request = new HttpRequestMessage(HttpMethod.Post, o.ServiceUrl)
        {
            Content = new StringContent(envelope, Encoding.UTF8, "text/xml"),
        };
        request.Headers.Add("SOAPAction", "\"PersonLookup\"");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), Safe);
            doc = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            throw new CprLookupException($"PersonLookup answered HTTP {(int)response.StatusCode} with a body that is not XML.");
        }

        if (doc.Descendants().Any(e => e.Name.LocalName is "ServiceplatformFault" or "Fault"))
        {
            var notFound = doc.Descendants().Any(e => e.Name.LocalName is "ErrorCode" or "errorCode" or "faultcode" && e.Value.Contains("NotFound", StringComparison.OrdinalIgnoreCase))
                || doc.Descendants().Any(e => e.Name.LocalName is "ErrorText" && e.Value.Contains("findes ikke", StringComparison.OrdinalIgnoreCase));
            if (notFound || response.StatusCode == HttpStatusCode.InternalServerError && doc.Descendants().Any(e => e.Name.LocalName == "ServiceplatformFault"))
            {
                throw new CprNotFoundException();
            }

            throw new CprLookupException("PersonLookup answered with a fault.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CprLookupException($"PersonLookup answered HTTP {(int)response.StatusCode}.");
        }

        return Parse(cpr, doc);
    }

    /// <summary>The child's current custody holders, each looked up for name, address protection and Digital Post.</summary>
    public async Task<IReadOnlyList<CustodyHolder>> CustodyHoldersAsync(string childCpr, CancellationToken cancellationToken)
    {
        var child = await LookupAsync(childCpr, cancellationToken);
        var holders = new List<CustodyHolder>();
        foreach (var relation in child.Custody.Where(c => c.Current).DistinctBy(c => c.HolderCpr))
        {
            var person = await LookupAsync(relation.HolderCpr, cancellationToken);
            if (!person.Dead)
            {
                holders.Add(new CustodyHolder(person.Cpr, person.Name, person.ProtectedAddress, person.RegisteredForDigitalPost));
            }
        }

        return holders;
    }

    internal static CprPerson Parse(string cpr, XDocument doc)
    {
        var person = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "persondata")
            ?? throw new CprLookupException("PersonLookup answered without persondata.");
        var name = Value(person, "personadresseringsnavn")
            ?? string.Join(' ', new[] { Value(person, "fornavn"), Value(person, "mellemnavn"), Value(person, "efternavn") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var birth = DateOnly.TryParse(Value(person, "foedselsdato")?[..Math.Min(10, Value(person, "foedselsdato")!.Length)], System.Globalization.CultureInfo.InvariantCulture, out var b) ? b : (DateOnly?)null;
        var status = Value(person, "status");
        var protection = person.Descendants().FirstOrDefault(e => e.Name.LocalName == "adressebeskyttelse");
        var isProtected = protection is not null && (protection.HasElements || protection.Value.Trim() is { Length: > 0 } v && v != "false");
        var digitalPost = Value(person, "tilmeldtDigitalpost") is { } dp ? dp.Equals("true", StringComparison.OrdinalIgnoreCase) : (bool?)null;

        var relations = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "relationer");
        var mother = relations is null ? null : Value(relations.Elements().FirstOrDefault(e => e.Name.LocalName == "mor"), "personnummer");
        var father = relations is null ? null : Value(relations.Elements().FirstOrDefault(e => e.Name.LocalName == "far"), "personnummer");
        var custody = new List<CustodyRelation>();
        foreach (var c in relations?.Descendants().Where(e => e.Name.LocalName == "foraeldremyndighed") ?? [])
        {
            if (!int.TryParse(Value(c, "foraeldremyndighedtype"), out var type))
            {
                continue;
            }

            var holder = type switch
            {
                3 => mother,
                4 => father,
                _ => Value(c, "relationPersonnummer"),
            };
            if (holder is null)
            {
                continue;
            }

            custody.Add(new CustodyRelation(type, holder, Date(Value(c, "startdato")), Date(Value(c, "Sletdato") ?? Value(c, "slutdato"))));
        }

        return new CprPerson(cpr, name, birth, status == "90", isProtected, digitalPost, custody, Address(doc));
    }

    /// <summary>
    /// The current address (<c>adresse/aktuelAdresse</c>) as address lines: c/o name, <c>standardadresse</c> (or road name,
    /// house number, floor and door), <c>bynavn</c>, then postcode and district. Null when the answer has none.
    /// </summary>
    internal static string? Address(XDocument doc)
    {
        var address = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "aktuelAdresse")
            ?? doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "adresse" && e.HasElements);
        if (address is null)
        {
            return null;
        }

        var street = Value(address, "standardadresse");
        if (street is null && (Value(address, "vejadresseringsnavn") ?? Value(address, "vejnavn")) is { } road)
        {
            var floorAndDoor = string.Join(' ', new[] { Value(address, "etage") is { } floor ? floor + "." : null, Value(address, "sidedoer") }.OfType<string>());
            street = string.Join(' ', new[] { road, Value(address, "husnummer") }.OfType<string>()) + (floorAndDoor.Length > 0 ? ", " + floorAndDoor : "");
        }

        var town = string.Join(' ', new[] { Value(address, "postnummer"), Value(address, "postdistrikt") }.Where(v => v is not null));
        var lines = new[] { Value(address, "conavn") is { } co ? "c/o " + co : null, street, Value(address, "bynavn"), town }
            .Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static string? Value(XElement? parent, string localName)
    {
        var value = parent?.Descendants().FirstOrDefault(e => e.Name.LocalName == localName && !e.HasElements)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static DateOnly? Date(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParse(text[..10], System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string SecurityElement(string value) => System.Security.SecurityElement.Escape(value) ?? "";
}

public static class CprLookupRegistration
{
    public static IServiceCollection AddCprLookup(this IServiceCollection services, Action<HttpStandardResilienceOptions>? resilience = null)
    {
        services.AddOptions<CprLookupOptions>().BindConfiguration(CprLookupOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CprLookupOptions>, CprLookupCertificateValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<CprLookupClient>()
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                // Mutual TLS with the municipality's certificate, as for Digital Post.
                var o = provider.GetRequiredService<IOptions<CprLookupOptions>>().Value;
                var handler = new SocketsHttpHandler();
                if (!string.IsNullOrEmpty(o.CertificatePath))
                {
                    handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, o.CertificatePassword)];
                }

                return handler;
            })
            .AddStandardResilienceHandler(o => resilience?.Invoke(o));
        return services;
    }
}
