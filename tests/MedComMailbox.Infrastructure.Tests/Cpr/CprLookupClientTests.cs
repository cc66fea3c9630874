using MedComMailbox.Infrastructure.Cpr;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.Infrastructure.Tests.Cpr;

/// <summary>SF1520 PersonLookup against a WireMock fake answering in the PersonBaseDataExtended shape.</summary>
public sealed class CprLookupClientTests : IDisposable
{
    private const string Child = "2311114123";
    private const string Mother = "0101801234";
    private const string Father = "0202791235";
    private const string Guardian = "0303701236";

    private readonly WireMockServer _server = WireMockServer.Start();
    private ServiceProvider? _provider;

    public void Dispose()
    {
        _provider?.Dispose();
        _server.Stop();
    }

    private CprLookupClient Client()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CprLookup:ServiceUrl"] = _server.Url + "/service/CPR/PersonBaseDataExtended/5",
            ["CprLookup:Cvr"] = "29189129",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        services.AddCprLookup(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<CprLookupClient>();
    }

    private void Person(string cpr, string name, string relations = "", bool protectedAddress = false, string status = "01") =>
        _server.Given(Request.Create().UsingPost().WithBody(b => b!.Contains($"<PNR>{cpr}</PNR>", StringComparison.Ordinal))).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/xml").WithBody(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" +
                "<ns2:PersonLookupResponse xmlns:ns2=\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/\">" +
                $"<ns2:persondata><ns2:navn><ns2:personadresseringsnavn>{name}</ns2:personadresseringsnavn></ns2:navn>" +
                $"<ns2:foedselsdato>2011-11-23</ns2:foedselsdato><ns2:status><ns2:status>{status}</ns2:status></ns2:status>" +
                (protectedAddress ? "<ns2:adressebeskyttelse><ns2:beskyttelsestype>0001</ns2:beskyttelsestype></ns2:adressebeskyttelse>" : "") +
                "<ns2:tilmeldtDigitalpost>true</ns2:tilmeldtDigitalpost></ns2:persondata>" +
                $"<ns2:relationer>{relations}</ns2:relationer></ns2:PersonLookupResponse></soap:Body></soap:Envelope>"));

    private static string Parents => $"<ns2:mor><ns2:personnummer>{Mother}</ns2:personnummer></ns2:mor><ns2:far><ns2:personnummer>{Father}</ns2:personnummer></ns2:far>";

    private static string Custody(int type, string? relationCpr = null, string? ended = null) =>
        $"<ns2:foraeldremyndighed><ns2:foraeldremyndighedtype>{type}</ns2:foraeldremyndighedtype><ns2:startdato>2011-11-23</ns2:startdato>" +
        (relationCpr is null ? "" : $"<ns2:relationPersonnummer>{relationCpr}</ns2:relationPersonnummer>") +
        (ended is null ? "" : $"<ns2:Sletdato>{ended}</ns2:Sletdato>") + "</ns2:foraeldremyndighed>";

    [Fact]
    public async Task Both_parents_with_custody_are_holders()
    {
        Person(Child, "Barn Barnesen", Parents + Custody(3) + Custody(4));
        Person(Mother, "Mor Barnesen");
        Person(Father, "Far Barnesen");

        var holders = await Client().CustodyHoldersAsync(Child, CancellationToken.None);

        Assert.Equal([Mother, Father], holders.Select(h => h.Cpr));
        Assert.Equal("Mor Barnesen", holders[0].Name);
    }

    [Fact]
    public async Task A_parent_without_custody_gets_nothing()
    {
        Person(Child, "Barn Barnesen", Parents + Custody(3));
        Person(Mother, "Mor Barnesen");

        var holder = Assert.Single(await Client().CustodyHoldersAsync(Child, CancellationToken.None));

        Assert.Equal(Mother, holder.Cpr);
    }

    [Fact]
    public async Task Ended_custody_does_not_count_and_another_holder_does()
    {
        Person(Child, "Barn Barnesen", Parents + Custody(3, ended: "2024-05-01") + Custody(5, Guardian));
        Person(Guardian, "Værge Hansen", protectedAddress: true);

        var holder = Assert.Single(await Client().CustodyHoldersAsync(Child, CancellationToken.None));

        Assert.Equal(Guardian, holder.Cpr);
        Assert.True(holder.ProtectedAddress);
    }

    [Fact]
    public async Task A_dead_holder_is_left_out()
    {
        Person(Child, "Barn Barnesen", Parents + Custody(3) + Custody(4));
        Person(Mother, "Mor Barnesen");
        Person(Father, "Far Barnesen", status: "90");

        var holder = Assert.Single(await Client().CustodyHoldersAsync(Child, CancellationToken.None));

        Assert.Equal(Mother, holder.Cpr);
    }

    [Fact]
    public async Task Unknown_cpr_is_a_not_found_fault()
    {
        _server.Given(Request.Create().UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "text/xml").WithBody(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>" +
                "<detail><ServiceplatformFault><ErrorList><Error><ErrorCode>PersonNotFound</ErrorCode><ErrorText>Personen findes ikke</ErrorText></Error></ErrorList></ServiceplatformFault></detail>" +
                "</soap:Fault></soap:Body></soap:Envelope>"));

        await Assert.ThrowsAsync<CprNotFoundException>(() => Client().LookupAsync("0101010000", CancellationToken.None));
    }

    [Fact]
    public async Task A_503_burst_is_retried()
    {
        _server.Given(Request.Create().UsingPost()).InScenario("burst").WillSetStateTo("ok").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        Person(Mother, "Mor Barnesen");

        var person = await Client().LookupAsync(Mother, CancellationToken.None);

        Assert.Equal("Mor Barnesen", person.Name);
        Assert.Equal(2, _server.LogEntries.Count);
    }

    [Theory]
    [InlineData("<ns2:standardadresse>Papirvej 7, 2. th.</ns2:standardadresse><ns2:postnummer>9999</ns2:postnummer><ns2:postdistrikt>Eksempelby</ns2:postdistrikt>", "Papirvej 7, 2. th.\n9999 Eksempelby")]
    [InlineData("<ns2:conavn>Mor Barnesen</ns2:conavn><ns2:vejadresseringsnavn>Papirvej</ns2:vejadresseringsnavn><ns2:husnummer>7</ns2:husnummer><ns2:etage>2</ns2:etage><ns2:sidedoer>th</ns2:sidedoer><ns2:bynavn>Lilleby</ns2:bynavn><ns2:postnummer>9999</ns2:postnummer><ns2:postdistrikt>Eksempelby</ns2:postdistrikt>", "c/o Mor Barnesen\nPapirvej 7, 2. th\nLilleby\n9999 Eksempelby")]
    public async Task The_current_address_is_read_as_address_lines_for_a_paper_letter(string address, string expected)
    {
        _server.Given(Request.Create().UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/xml").WithBody(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>" +
                "<ns2:PersonLookupResponse xmlns:ns2=\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/\">" +
                "<ns2:persondata><ns2:navn><ns2:personadresseringsnavn>Far Barnesen</ns2:personadresseringsnavn></ns2:navn>" +
                "<ns2:status><ns2:status>01</ns2:status></ns2:status><ns2:tilmeldtDigitalpost>false</ns2:tilmeldtDigitalpost></ns2:persondata>" +
                $"<ns2:adresse><ns2:aktuelAdresse>{address}</ns2:aktuelAdresse></ns2:adresse>" +
                "<ns2:relationer/></ns2:PersonLookupResponse></soap:Body></soap:Envelope>"));

        var person = await Client().LookupAsync(Father, CancellationToken.None);

        Assert.Equal(expected, person.Address);
        Assert.False(person.RegisteredForDigitalPost);
    }

    [Fact]
    public async Task Without_an_address_in_the_answer_the_address_is_null()
    {
        Person(Mother, "Mor Barnesen");

        Assert.Null((await Client().LookupAsync(Mother, CancellationToken.None)).Address);
    }
}
