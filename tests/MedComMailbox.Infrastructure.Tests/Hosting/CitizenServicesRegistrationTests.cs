using System.Text;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Tests.Cpr;
using MedComMailbox.Infrastructure.Tests.DigitalPost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Tests.Hosting;

public sealed class CitizenServicesRegistrationTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "medcom-citizens-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        _providers.ForEach(p => p.Dispose());
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Mailbox:DataDirectory", _data);
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging();
        services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.Section);
        services.AddCitizenServices(config);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    private static void ValidateOnStart(IServiceProvider provider) => provider.GetRequiredService<IStartupValidator>().Validate();

    private static MemoLetter Letter() => new(
        Guid.NewGuid(), "Anmodning om samtykke", "29189129", "Sundby Kommune", "0101011234", DateTimeOffset.UtcNow,
        [new MemoFile("samtykke.txt", "text/plain", Encoding.UTF8.GetBytes("Kære forælder"))], []);

    [Fact]
    public async Task Development_is_the_default_and_needs_no_serviceplatform_settings()
    {
        var provider = Provider([]);

        ValidateOnStart(provider);
        Assert.IsType<DevelopmentPersonRegister>(provider.GetRequiredService<ICustodyRegister>());
        var gateway = Assert.IsType<DevelopmentDigitalPost>(provider.GetRequiredService<IDigitalPostGateway>());
        Assert.Same(gateway, provider.GetRequiredService<IDevelopmentLetterBox>());
        Assert.NotNull(await provider.GetRequiredService<ICustodyRegister>().LookupChildAsync("1201149996", CancellationToken.None));

        var letter = Letter();
        await gateway.SendAsync(letter, CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(_data, "digitalpost", letter.MessageUuid + ".xml")));
    }

    [Fact]
    public async Task Development_register_file_from_configuration()
    {
        Directory.CreateDirectory(_data);
        var file = Path.Combine(_data, "persons.json");
        File.WriteAllText(file, """{ "persons": [ { "cpr": "0101204996", "name": "Barn Testesen", "custodyHolders": ["0202904011"] }, { "cpr": "0202904011", "name": "Mor Testesen" } ] }""");
        var provider = Provider(new() { ["CprLookup:Mode"] = "development", ["CprLookup:DevelopmentPersonsFile"] = file });

        ValidateOnStart(provider);
        var register = provider.GetRequiredService<ICustodyRegister>();

        Assert.Equal("0202904011", Assert.Single((await register.LookupChildAsync("0101204996", CancellationToken.None))!.CustodyHolders).Cpr);
        Assert.Null(await register.LookupChildAsync("1201149996", CancellationToken.None));
    }

    [Fact]
    public void A_broken_register_file_stops_the_start()
    {
        var provider = Provider(new() { ["CprLookup:DevelopmentPersonsFile"] = Path.Combine(_data, "missing.json") });

        var e = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(provider));
        Assert.Contains("DevelopmentPersonsFile", e.Message);
    }

    [Fact]
    public void Serviceplatformen_mode_validates_its_settings_and_has_no_letter_box()
    {
        var provider = Provider(new() { ["CprLookup:Mode"] = "SERVICEPLATFORMEN", ["DigitalPost:Mode"] = "serviceplatformen" });

        var e = Assert.ThrowsAny<Exception>(() => ValidateOnStart(provider));
        var failures = e is AggregateException all ? all.InnerExceptions : [e];
        Assert.Equal(["CprLookupOptions", "DigitalPostOptions"], failures.Select(f => Assert.IsType<OptionsValidationException>(f).OptionsType.Name).Order());
        Assert.Null(provider.GetService<IDevelopmentLetterBox>());
        Assert.IsType<ServiceplatformCustodyRegister>(provider.GetRequiredService<ICustodyRegister>());
        Assert.IsType<ServiceplatformDigitalPost>(provider.GetRequiredService<IDigitalPostGateway>());
    }

    [Theory]
    [InlineData("CprLookup:Mode")]
    [InlineData("DigitalPost:Mode")]
    public void An_unknown_mode_is_a_clear_start_up_error(string key)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "Sandbox" }).Build();

        var e = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCitizenServices(config));

        Assert.Contains(key, e.Message);
        Assert.Contains("Serviceplatformen", e.Message);
    }

    [Theory]
    [InlineData(null, "Automatisk Valg")]
    [InlineData("DigitalPost", "Digital Post")]
    [InlineData("physicalpost", "Fysisk Post")]
    public async Task Serviceplatformen_digital_post_sends_over_sf1601_with_the_configured_channel(string? channel, string expected)
    {
        using var fake = new DigitalPostFake();
        var settings = new Dictionary<string, string?>
        {
            ["DigitalPost:Mode"] = "Serviceplatformen",
            ["DigitalPost:ServiceBaseUrl"] = fake.BaseUrl.ToString(),
            ["DigitalPost:TokenServiceBaseUrl"] = fake.BaseUrl.ToString(),
            ["DigitalPost:Cvr"] = "29189129",
            ["DigitalPost:SenderLabel"] = "Sundby Kommune",
        };
        if (channel is not null)
        {
            settings["DigitalPost:Channel"] = channel;
        }

        var provider = Provider(settings);
        ValidateOnStart(provider);
        var letter = Letter();

        var result = await provider.GetRequiredService<IDigitalPostGateway>().SendAsync(letter, CancellationToken.None);

        Assert.True(result.Accepted);
        var body = XDocument.Parse(fake.Server.LogEntries.Single(e => e.RequestMessage.Path == "/service/KombiPostAfsend_1/kombi").RequestMessage.Body!);
        Assert.Equal(expected, body.Root!.Element("KombiValgKode")!.Value);
        Assert.Equal(1, fake.Accepted[letter.MessageUuid.ToString()]);
        Assert.Null(provider.GetService<IDevelopmentLetterBox>());
    }

    [Fact]
    public async Task Serviceplatformen_custody_register_asks_sf1520()
    {
        using var fake = new CprFake();
        fake.Person("2311114123", "Barn Barnesen", CprFake.Custody(5, "0303701236"));
        fake.Person("0303701236", "Værge Hansen");
        var provider = Provider(new()
        {
            ["CprLookup:Mode"] = "Serviceplatformen",
            ["CprLookup:ServiceUrl"] = fake.ServiceUrl,
            ["CprLookup:Cvr"] = "29189129",
        });
        ValidateOnStart(provider);

        var custody = await provider.GetRequiredService<ICustodyRegister>().LookupChildAsync("2311114123", CancellationToken.None);

        Assert.Equal("Værge Hansen", Assert.Single(custody!.CustodyHolders).Name);
        Assert.Equal(2, fake.Lookups);
    }
}
