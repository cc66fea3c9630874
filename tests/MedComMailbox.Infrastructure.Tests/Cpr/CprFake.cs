using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.Infrastructure.Tests.Cpr;

/// <summary>SF1520 PersonLookup over real HTTP, answering in the PersonBaseDataExtended SOAP shape (elements with a namespace prefix).</summary>
internal sealed class CprFake : IDisposable
{
    public WireMockServer Server { get; } = WireMockServer.Start();

    public string ServiceUrl => Server.Url + "/service/CPR/PersonBaseDataExtended/5";

    /// <param name="address">The current address (street line, postcode, district), as <c>adresse/aktuelAdresse</c>; none when null.</param>
    public void Person(string cpr, string name, string relations = "", bool protectedAddress = false, string status = "01", bool? digitalPost = true, (string Street, string Postcode, string District)? address = null) =>
        Server.Given(Request.Create().UsingPost().WithBody(b => b!.Contains($"<PNR>{cpr}</PNR>", StringComparison.Ordinal))).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/xml").WithBody(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" +
                "<ns2:PersonLookupResponse xmlns:ns2=\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/\">" +
                $"<ns2:persondata><ns2:navn><ns2:personadresseringsnavn>{name}</ns2:personadresseringsnavn></ns2:navn>" +
                $"<ns2:foedselsdato>1980-01-01</ns2:foedselsdato><ns2:status><ns2:status>{status}</ns2:status></ns2:status>" +
                (protectedAddress ? "<ns2:adressebeskyttelse><ns2:beskyttelsestype>0001</ns2:beskyttelsestype></ns2:adressebeskyttelse>" : "") +
                (digitalPost is { } dp ? $"<ns2:tilmeldtDigitalpost>{(dp ? "true" : "false")}</ns2:tilmeldtDigitalpost>" : "") +
                "</ns2:persondata>" +
                (address is { } a
                    ? $"<ns2:adresse><ns2:aktuelAdresse><ns2:standardadresse>{a.Street}</ns2:standardadresse><ns2:postnummer>{a.Postcode}</ns2:postnummer><ns2:postdistrikt>{a.District}</ns2:postdistrikt></ns2:aktuelAdresse></ns2:adresse>"
                    : "") +
                $"<ns2:relationer>{relations}</ns2:relationer></ns2:PersonLookupResponse></soap:Body></soap:Envelope>"));

    /// <summary>Every number not given by <see cref="Person"/> is unknown: the ServiceplatformFault the service answers with.</summary>
    public void UnknownOtherwise() =>
        Server.Given(Request.Create().UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "text/xml").WithBody(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>" +
                "<detail><ServiceplatformFault><ErrorList><Error><ErrorCode>PersonNotFound</ErrorCode><ErrorText>Personen findes ikke</ErrorText></Error></ErrorList></ServiceplatformFault></detail>" +
                "</soap:Fault></soap:Body></soap:Envelope>"));

    public static string Parents(string mother, string father) =>
        $"<ns2:mor><ns2:personnummer>{mother}</ns2:personnummer></ns2:mor><ns2:far><ns2:personnummer>{father}</ns2:personnummer></ns2:far>";

    public static string Custody(int type, string? relationCpr = null, string? ended = null) =>
        $"<ns2:foraeldremyndighed><ns2:foraeldremyndighedtype>{type}</ns2:foraeldremyndighedtype><ns2:startdato>2011-11-23</ns2:startdato>" +
        (relationCpr is null ? "" : $"<ns2:relationPersonnummer>{relationCpr}</ns2:relationPersonnummer>") +
        (ended is null ? "" : $"<ns2:Sletdato>{ended}</ns2:Sletdato>") + "</ns2:foraeldremyndighed>";

    public int Lookups => Server.LogEntries.Count;

    public void Dispose() => Server.Stop();
}
