using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static MedComMailbox.Infrastructure.Tests.Configuration.StartupValidation;

namespace MedComMailbox.Infrastructure.Tests.Configuration;

/// <summary>Each municipality-specific rule stops the start with a sentence naming the setting and what is wrong.</summary>
public sealed class ConfigurationRulesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medcom-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_example_settings_pass() => Assert.Empty(Failures(Valid()));

    [Fact]
    public void A_wrong_gln_check_digit_names_the_mailbox_entry()
    {
        var failure = Assert.Single(Failures(Valid(("Mailbox:Mailboxes:0:Gln", "5790000991007"))));
        Assert.Equal("Mailbox:Mailboxes:0:Gln '5790000991007' is not a location number: 13 digits ending in the GS1 check digit.", failure);
    }

    [Fact]
    public void A_missing_sor_id_is_named()
    {
        var failure = Assert.Single(Failures(Valid(("Mailbox:Mailboxes:0:SorId", ""))));
        Assert.StartsWith("Mailbox:Mailboxes:0:SorId is missing", failure);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("12345678901234567890")]
    [InlineData("12A4561000016001")]
    public void A_sor_id_that_is_not_6_to_18_digits_is_refused(string sor) =>
        Assert.Contains($"Mailbox:Mailboxes:0:SorId '{sor}' is not a SOR id: 6 to 18 digits.", Failures(Valid(("Mailbox:Mailboxes:0:SorId", sor))));

    [Fact]
    public void A_missing_mailbox_name_is_named() =>
        Assert.Contains("Mailbox:Mailboxes:0:Name is missing: senders and letters show it.", Failures(Valid(("Mailbox:Mailboxes:0:Name", " "))));

    [Fact]
    public void No_mailbox_at_all_is_refused() =>
        Assert.Contains("Mailbox:Mailboxes must list at least one mailbox (GLN, SorId, Name).", Failures([]));

    [Fact]
    public void The_same_location_number_twice_is_refused()
    {
        var settings = Valid(("Mailbox:Mailboxes:1:Gln", "5790000991006"), ("Mailbox:Mailboxes:1:SorId", "1234571000016003"), ("Mailbox:Mailboxes:1:Name", "Sundhedsplejen"));
        Assert.Contains("Mailbox:Mailboxes lists the location number 5790000991006 more than once.", Failures(settings));
    }

    [Fact]
    public void Sql_server_without_a_connection_string_is_refused() =>
        Assert.Contains(Failures(Valid(("Storage:Provider", "SqlServer"))), f => f.StartsWith("Storage:ConnectionString is required when Storage:Provider is SqlServer", StringComparison.Ordinal));

    [Fact]
    public void RabbitMq_without_an_address_is_refused() =>
        Assert.Contains(Failures(Valid(("Bus:Transport", "RabbitMq"))), f => f.StartsWith("Bus:RabbitMqUrl is required", StringComparison.Ordinal));

    [Fact]
    public void A_deadline_out_of_range_names_its_setting() =>
        Assert.Contains("Vans:AcknowledgementTimeout must be between 1 second and 1 day (MedCom: 30 minutes).", Failures(Valid(("Vans:AcknowledgementTimeout", "2.00:00:00"))));

    [Theory]
    [InlineData("29189129", true)]
    [InlineData("29189128", false)]
    [InlineData("2918912", false)]
    [InlineData("02918912", false)]
    [InlineData("2918912a", false)]
    public void Cvr_numbers_pass_the_modulus_11_check(string cvr, bool valid) => Assert.Equal(valid, SettingRules.IsValidCvr(cvr));

    private static Dictionary<string, string?> Serviceplatformen(params (string Key, string? Value)[] overrides)
    {
        var settings = Valid(
            ("CprLookup:ServiceUrl", "https://prod.serviceplatformen.dk/service/CPR/PersonBaseDataExtended/5"),
            ("CprLookup:Cvr", "29189129"),
            ("DigitalPost:ServiceBaseUrl", "https://prod.serviceplatformen.dk/"),
            ("DigitalPost:TokenServiceBaseUrl", "https://n2adgangsstyring.stoettesystemerne.dk/"),
            ("DigitalPost:Cvr", "29189129"),
            ("DigitalPost:SenderLabel", "Eksempel Kommune"));
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public void Complete_serviceplatform_settings_pass() => Assert.Empty(Failures(Serviceplatformen(), AddServiceplatformen));

    [Theory]
    [InlineData("DigitalPost", "DigitalPost", false)]
    [InlineData("DigitalPost", "NemSms", false)]
    [InlineData("DigitalPost", "Automatic", true)]
    [InlineData("DigitalPost", "PhysicalPost", true)]
    [InlineData("PrintQueue", "DigitalPost", true)]
    public void Exempt_recipients_left_to_digital_post_need_a_channel_that_prints(string exemptRecipients, string channel, bool valid)
    {
        var failures = Failures(Serviceplatformen(("DigitalPost:ExemptRecipients", exemptRecipients), ("DigitalPost:Channel", channel)), AddServiceplatformen);

        if (valid)
        {
            Assert.Empty(failures);
        }
        else
        {
            Assert.Contains(failures, f => f.StartsWith($"DigitalPost:ExemptRecipients is DigitalPost but DigitalPost:Channel is {channel}", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("DigitalPost:Cvr")]
    [InlineData("CprLookup:Cvr")]
    public void A_cvr_with_a_wrong_check_digit_is_named(string key) =>
        Assert.Contains($"{key} '29189128' is not a CVR number: 8 digits that pass the modulus-11 check.", Failures(Serviceplatformen((key, "29189128")), AddServiceplatformen));

    [Theory]
    [InlineData("DigitalPost:ServiceBaseUrl")]
    [InlineData("DigitalPost:TokenServiceBaseUrl")]
    [InlineData("CprLookup:ServiceUrl")]
    public void Serviceplatform_addresses_must_be_https(string key) =>
        Assert.Contains($"{key} 'http://serviceplatformen.example/' must be an absolute https address (http only for localhost).",
            Failures(Serviceplatformen((key, "http://serviceplatformen.example/")), AddServiceplatformen));

    [Fact]
    public void Missing_serviceplatform_settings_are_each_named()
    {
        var failures = Failures(Valid(), AddServiceplatformen);

        Assert.Contains("DigitalPost:ServiceBaseUrl is missing.", failures);
        Assert.Contains("CprLookup:ServiceUrl is missing.", failures);
        Assert.Contains(failures, f => f.StartsWith("DigitalPost:SenderLabel is missing", StringComparison.Ordinal));
        Assert.Contains("CprLookup:Cvr '' is not a CVR number: 8 digits that pass the modulus-11 check.", failures);
    }

    [Theory]
    [InlineData("DigitalPost")]
    [InlineData("CprLookup")]
    public void A_certificate_file_that_does_not_exist_is_named(string section)
    {
        var path = Path.Combine(_folder, "missing.p12");
        var failure = Assert.Single(Failures(Serviceplatformen(($"{section}:CertificatePath", path)), AddServiceplatformen));
        Assert.Equal($"{section}:CertificatePath '{path}' does not exist (relative paths are relative to the working directory).", failure);
    }

    [Fact]
    public void A_certificate_with_the_wrong_password_is_named()
    {
        var path = Certificate(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "secret");
        var failures = Failures(Serviceplatformen(("DigitalPost:CertificatePath", path), ("DigitalPost:CertificatePassword", "wrong")), AddServiceplatformen);
        Assert.Equal($"DigitalPost:CertificatePath '{path}' is not a PKCS#12 (.p12/.pfx) file that opens with the configured password.", Assert.Single(failures));
    }

    [Fact]
    public void A_valid_certificate_passes_and_the_same_certificate_fails_once_expired()
    {
        var validFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var path = Certificate(validFrom, "secret");
        var settings = Serviceplatformen(("CprLookup:CertificatePath", path), ("CprLookup:CertificatePassword", "secret"));
        var clock = new FakeTimeProvider(validFrom.AddMonths(6));
        void Register(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
        {
            services.AddSingleton<TimeProvider>(clock);
            AddServiceplatformen(services, configuration);
        }

        Assert.Empty(Failures(settings, Register));

        clock.Advance(TimeSpan.FromDays(400));
        Assert.Equal($"CprLookup:CertificatePath '{path}' expired on 2027-01-01: renew the certificate (docs/operations.en.md).", Assert.Single(Failures(settings, Register)));
    }

    /// <summary>A self-signed PKCS#12 file valid for one year from <paramref name="from"/>.</summary>
    private string Certificate(DateTimeOffset from, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Eksempel Kommune - MedComMailbox", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(from, from.AddYears(1));
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".p12");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }
}
