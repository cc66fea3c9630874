using System.Text.Json;
using System.Text.Json.Nodes;
using MedComMailbox.Tests;

namespace MedComMailbox.Cli.Tests;

/// <summary>
/// <c>check-config</c> over the documented example and broken copies of it. The rules are the service's own start-up
/// validators, so these tests are also the unit tests of the Workflow and Auth rules (those projects are not
/// referenced by the Infrastructure tests).
/// </summary>
public sealed class CheckConfigCommandTests : IDisposable
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly string _folder = Directory.CreateTempSubdirectory("medcom-check-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Example => Path.Combine(RepoPaths.Root, "docs", "examples", "eksempelkommune.settings.json");

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A copy of the example completed as production completes it (the certificates, the provider's API key, the status
    /// secret and the key folder come from the environment there), with one change made to its JSON.
    /// </summary>
    private string Broken(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(File.ReadAllText(Example), documentOptions: ReadOptions)!.AsObject();
        Section(root, "CprLookup")["CertificatePath"] = Certificate("sf1520.p12");
        Section(root, "CprLookup")["CertificatePassword"] = "test";
        Section(root, "DigitalPost")["CertificatePath"] = Certificate("sf1601.p12");
        Section(root, "DigitalPost")["CertificatePassword"] = "test";
        Section(root, "DigitalPost")["StatusCallback"] = new JsonObject { ["Secret"] = "status-secret" };
        root["Intake"] = new JsonObject { ["ApiKeys"] = new JsonArray(new JsonObject { ["Provider"] = "vans", ["Key"] = "provider-key" }) };
        root["DataProtection"] = new JsonObject { ["KeysFolder"] = Path.Combine(_folder, "keys") };
        change(root);
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N")[..8] + ".settings.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private async Task<string> Fails(Action<JsonObject> change)
    {
        var (exit, output, _) = await Run("check-config", Broken(change), "--environment", "Production");
        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Contains("INVALID", output);
        return output;
    }

    private static JsonObject Section(JsonObject root, params string[] path)
    {
        var node = root;
        foreach (var name in path)
        {
            node = node[name]!.AsObject();
        }

        return node;
    }

    private string Certificate(string name)
    {
        var path = Path.Combine(_folder, name);
        if (!File.Exists(path))
        {
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Eksempelkommune", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "test"));
        }

        return path;
    }

    [Fact]
    public async Task The_documented_example_alone_is_refused_in_production_with_the_checklist_sentences()
    {
        var (exit, output, error) = await Run("check-config", Example, "--environment", "Production");

        Assert.True(exit == 1, output + error);
        string[] expected =
        [
            "eksempelkommune.settings.json: INVALID",
            "  ERROR CprLookup:CertificatePath must name the municipality's PKCS#12 certificate for SF1520.",
            "  ERROR DigitalPost:CertificatePath must name the municipality's PKCS#12 certificate for SF1601.",
            "  ERROR POST /api/intake needs authentication: list each VANS provider under Intake:ApiKeys or Intake:ClientCertificates.",
            "  ERROR POST /api/digitalpost/status needs authentication: set DigitalPost:StatusCallback:Secret (HMAC-SHA256) or DigitalPost:StatusCallback:CertificateThumbprints.",
            "  ERROR DataProtection:KeysFolder must name a persistent folder, so sign-ins and forms survive a restart.",
        ];
        Assert.Equal(expected, output.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task The_documented_example_passes_in_development_where_the_stand_ins_may_run()
    {
        var (exit, output, error) = await Run("check-config", Example, "--environment", "Development");

        Assert.True(exit == 0, output + error);
        Assert.Equal("eksempelkommune.settings.json: VALID", output.Trim());
    }

    [Fact]
    public async Task The_example_completed_with_its_secrets_passes_without_warnings_about_process_variables()
    {
        // PATH and HOME are in this process's environment, which is applied on top of the file as the service does.
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PATH")));
        var file = Broken(_ => { });

        var (exit, output, error) = await Run("check-config", file, "--environment", "Production");

        Assert.True(exit == 0, output + error);
        Assert.Equal($"{Path.GetFileName(file)}: VALID", output.Trim());
    }

    [Fact]
    public async Task A_settings_file_with_development_stand_ins_is_refused_in_production()
    {
        var output = await Fails(r =>
        {
            Section(r, "CprLookup")["Mode"] = "Development";
            Section(r, "Workflow")["PublicBaseUrl"] = "http://localhost:5080/";
            r.Remove("Auth");
        });

        Assert.Contains("ERROR CprLookup:Mode must be Serviceplatformen: the fictitious CPR register is for Development only.", output);
        Assert.Contains("ERROR Workflow:PublicBaseUrl must be the public https address of the consent page, not localhost.", output);
        Assert.Contains("ERROR Staff sign-in needs the municipality's identity provider: set Auth:Staff:Authority (https) and Auth:Staff:ClientId.", output);
        Assert.Contains("ERROR Citizens need a sign-in route to NemLog-in: set Auth:Citizen:Authority (an OpenID Connect broker, https) and Auth:Citizen:ClientId.", output);
    }

    [Fact]
    public async Task Without_the_committees_contact_for_citizens_production_is_refused_naming_both_settings()
    {
        var output = await Fails(r => Section(r, "Workflow").Remove("Contact"));

        Assert.Contains("ERROR Workflow:Contact:Phone must be the committee's phone number for citizens: every citizen page and letter gives it.", output);
        Assert.Contains("ERROR Workflow:Contact:Email must be the committee's e-mail address for citizens: every citizen page and letter gives it.", output);
    }

    [Fact]
    public async Task A_responsible_party_with_an_email_but_no_smtp_server_is_refused_in_production_naming_the_setting()
    {
        const string Sentence = "ERROR A responsible party under Workflow:Course:ResponsibleParties has an Email: set Workflow:Email:Host and Workflow:Email:From (the SMTP server the hand-over notifications go through).";
        var withParty = (JsonObject r) =>
        {
            Section(r, "Workflow").Remove("Email");
            Section(r, "Workflow")["Course"] = new JsonObject { ["ResponsibleParties"] = new JsonArray(new JsonObject { ["Name"] = "PPR", ["Email"] = "ppr@kommune.invalid" }) };
        };

        Assert.Contains(Sentence, await Fails(withParty));

        var (exit, output, _) = await Run("check-config", Broken(r =>
        {
            withParty(r);
            Section(r, "Workflow")["Email"] = new JsonObject { ["Host"] = "smtp.kommune.invalid", ["From"] = "udvalget@kommune.invalid" };
        }), "--environment", "Production");
        Assert.DoesNotContain("Workflow:Email", output, StringComparison.Ordinal);
        Assert.True(exit == 0, $"exit {exit}: {output}");
    }

    [Fact]
    public async Task A_responsible_party_with_a_location_number_but_no_sor_id_is_named() =>
        AssertContainsLine("ERROR Workflow:Course:ResponsibleParties:0:SorId '' must be the unit's SOR id (6–20 digits): the MedCom hand-over to its Gln needs it.",
            await Fails(r => Section(r, "Workflow")["Course"] = new JsonObject { ["ResponsibleParties"] = new JsonArray(new JsonObject { ["Name"] = "PPR", ["Gln"] = "5790000123452" }) }));

    private static void AssertContainsLine(string expected, string output) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), output);

    [Fact]
    public async Task An_smtp_sender_that_is_not_an_e_mail_address_is_named() =>
        Assert.Contains("ERROR Workflow:Email:From 'udvalget' must be an e-mail address: the sender of the hand-over notifications.",
            await Fails(r => Section(r, "Workflow")["Email"] = new JsonObject { ["Host"] = "smtp.kommune.invalid", ["From"] = "udvalget" }));

    [Fact]
    public async Task A_contact_that_is_not_a_phone_number_or_an_e_mail_address_is_named()
    {
        var output = await Fails(r => Section(r, "Workflow")["Contact"] = new JsonObject { ["Phone"] = "7011 22", ["Email"] = "udvalget" });

        Assert.Contains("ERROR Workflow:Contact:Phone '7011 22' must be a Danish phone number of 8 digits: citizens call it about their case.", output);
        Assert.Contains("ERROR Workflow:Contact:Email 'udvalget' must be an e-mail address: citizens write to it about their case.", output);
    }

    [Fact]
    public async Task A_wrong_gln_check_digit_is_named() =>
        Assert.Contains("ERROR Mailbox:Mailboxes:0:Gln '5790000992028' is not a location number: 13 digits ending in the GS1 check digit.",
            await Fails(r => r["Mailbox"]!["Mailboxes"]![0]!["Gln"] = "5790000992028"));

    [Fact]
    public async Task A_missing_sor_id_is_named() =>
        Assert.Contains("ERROR Mailbox:Mailboxes:1:SorId is missing",
            await Fails(r => r["Mailbox"]!["Mailboxes"]![1]!.AsObject().Remove("SorId")));

    [Fact]
    public async Task A_meeting_time_that_does_not_parse_is_named() =>
        Assert.Contains("ERROR Workflow:CommitteeMeetings:Time 'halv ni' cannot be read as TimeOnly (a time of day such as 08:30).",
            await Fails(r => Section(r, "Workflow", "CommitteeMeetings")["Time"] = "halv ni"));

    [Fact]
    public async Task A_letter_template_with_an_unknown_placeholder_is_named()
    {
        var output = await Fails(r => Section(r, "Workflow", "Letters", "GpReceipt")["Text"] = "Kære {{doctorName}}, tak for henvendelsen om {{childName}}.");

        Assert.Contains("ERROR Workflow:Letters:GpReceipt: Letter template 'GpReceipt': unknown placeholder(s) {{doctorName}}; allowed:", output);
    }

    [Fact]
    public async Task A_placeholder_with_danish_letters_is_not_left_in_the_letter()
    {
        var output = await Fails(r => Section(r, "Workflow", "Letters", "GpReceipt")["Text"] = "Kære {{lægensNavn}}, tak for henvendelsen om {{childName}}.");

        Assert.Contains("ERROR Workflow:Letters:GpReceipt: unknown placeholder(s) {{lægensNavn}}; allowed:", output);
    }

    [Fact]
    public async Task A_letter_title_with_a_placeholder_is_refused() =>
        Assert.Contains("the title may not contain placeholders",
            await Fails(r => Section(r, "Workflow", "Letters", "GpReceipt")["Title"] = "Kvittering vedr. {{childName}}"));

    [Theory]
    [InlineData("DigitalPost")]
    [InlineData("CprLookup")]
    public async Task A_cvr_with_a_wrong_check_digit_is_named(string section) =>
        Assert.Contains($"ERROR {section}:Cvr '39990009' is not a CVR number: 8 digits that pass the modulus-11 check.",
            await Fails(r => Section(r, section)["Cvr"] = "39990009"));

    [Fact]
    public async Task A_certificate_that_is_not_there_is_named()
    {
        var missing = Path.Combine(_folder, "serviceplatformen.p12");
        Assert.Contains($"ERROR DigitalPost:CertificatePath '{missing}' does not exist",
            await Fails(r => Section(r, "DigitalPost")["CertificatePath"] = missing));
    }

    [Fact]
    public async Task An_unknown_service_mode_is_named() =>
        Assert.Contains("ERROR CprLookup:Mode is 'Sandbox': use Development (built-in stand-in, the default) or Serviceplatformen.",
            await Fails(r => Section(r, "CprLookup")["Mode"] = "Sandbox"));

    [Fact]
    public async Task A_weekend_meeting_day_is_refused() =>
        Assert.Contains("ERROR Workflow:CommitteeMeetings:Day 'Saturday' must be a weekday (Monday to Friday).",
            await Fails(r => Section(r, "Workflow", "CommitteeMeetings")["Day"] = "Saturday"));

    [Fact]
    public async Task A_reading_time_longer_than_two_weeks_is_refused() =>
        Assert.Contains("ERROR Workflow:CommitteeMeetings:ReadingTime 15.00:00:00 must be between 0 and 14 days",
            await Fails(r => Section(r, "Workflow", "CommitteeMeetings")["ReadingTime"] = "15.00:00:00"));

    [Fact]
    public async Task An_unknown_time_zone_is_named() =>
        Assert.Contains("ERROR Workflow:CommitteeMeetings:TimeZone 'Europe/Aarhus' is not a known time zone",
            await Fails(r => Section(r, "Workflow", "CommitteeMeetings")["TimeZone"] = "Europe/Aarhus"));

    [Fact]
    public async Task A_consent_age_outside_10_to_18_is_refused() =>
        Assert.Contains("ERROR Workflow:Consent:ChildConsentAge 9 must be between 10 and 18 (the pilot: 15).",
            await Fails(r => Section(r, "Workflow", "Consent")["ChildConsentAge"] = 9));

    [Fact]
    public async Task A_consent_deadline_of_zero_is_refused() =>
        Assert.Contains("ERROR Workflow:Consent:ResponseTime 00:00:00 must be more than 0 and at most 90 days",
            await Fails(r => Section(r, "Workflow", "Consent")["ResponseTime"] = "00:00:00"));

    [Fact]
    public async Task A_plain_http_public_address_is_refused() =>
        Assert.Contains("ERROR Workflow:PublicBaseUrl must be an absolute https address (http only for localhost).",
            await Fails(r => Section(r, "Workflow")["PublicBaseUrl"] = "http://medcom.eksempelkommune.dk/"));

    [Fact]
    public async Task A_signature_phone_that_is_not_8_digits_is_refused() =>
        Assert.Contains("ERROR Workflow:Signature:Phone '7011' must be a Danish phone number of 8 digits",
            await Fails(r => Section(r, "Workflow", "Signature")["Phone"] = "7011"));

    [Fact]
    public async Task A_triage_receiver_with_a_wrong_check_digit_is_named() =>
        Assert.Contains("ERROR Workflow:Triage:OioXmlReferralReceivers:0 '5790000992020' is not a location number",
            await Fails(r => Section(r, "Workflow", "Triage")["OioXmlReferralReceivers"] = new JsonArray("5790000992020")));

    [Fact]
    public async Task A_missing_municipality_name_is_refused() =>
        Assert.Contains("ERROR Workflow:Municipality is missing: letters and replies name the municipality.",
            await Fails(r => Section(r, "Workflow")["Municipality"] = ""));

    [Fact]
    public async Task The_identity_provider_must_be_https_and_have_a_client() =>
        Assert.Contains("ERROR Auth:Staff:ClientId is required when Auth:Staff:Authority is set",
            await Fails(r => Section(r, "Auth", "Staff").Remove("ClientId")));

    [Fact]
    public async Task An_identity_provider_over_plain_http_is_refused() =>
        Assert.Contains("ERROR Auth:Citizen:Authority 'http://mitid-broker.eksempelkommune.dk/' must be an absolute https address (http only for localhost).",
            await Fails(r => Section(r, "Auth", "Citizen")["Authority"] = "http://mitid-broker.eksempelkommune.dk/"));

    [Fact]
    public async Task A_development_user_with_an_unknown_role_is_named() =>
        Assert.Contains("ERROR Auth:DevelopmentUsers:0:Roles has 'sagsbehandler': use operator, committee or administrator.",
            await Fails(r => Section(r, "Auth")["DevelopmentUsers"] = new JsonArray(new JsonObject { ["UserName"] = "test", ["Roles"] = new JsonArray("sagsbehandler") })));

    [Fact]
    public async Task Sql_server_without_a_connection_string_is_refused() =>
        Assert.Contains("ERROR Storage:ConnectionString is required when Storage:Provider is SqlServer",
            await Fails(r => Section(r, "Storage").Remove("ConnectionString")));

    [Fact]
    public async Task A_retention_period_typed_in_days_instead_of_years_is_refused() =>
        Assert.Contains("ERROR Retention:Messages 5.00:00:00 must be between 30 days and 100 years",
            await Fails(r => Section(r, "Retention")["Messages"] = "5.00:00:00"));

    [Fact]
    public async Task An_otlp_endpoint_that_is_not_an_address_is_refused() =>
        Assert.Contains("ERROR Telemetry:OtlpEndpoint 'otel-collector:4317' must be an absolute http(s) address",
            await Fails(r => Section(r, "Telemetry")["OtlpEndpoint"] = "otel-collector:4317"));

    [Fact]
    public async Task Every_problem_is_reported_in_one_run_including_unreadable_values()
    {
        var output = await Fails(r =>
        {
            r["Mailbox"]!["Mailboxes"]![0]!["Gln"] = "5790000992028";
            Section(r, "Workflow", "CommitteeMeetings")["Time"] = "25:00";
            Section(r, "Bus")["Transport"] = "Rabbit";
            Section(r, "DigitalPost")["Cvr"] = "1234";
        });

        Assert.Contains("Mailbox:Mailboxes:0:Gln '5790000992028'", output);
        Assert.Contains("Workflow:CommitteeMeetings:Time '25:00' cannot be read as TimeOnly", output);
        Assert.Contains("Bus:Transport 'Rabbit' cannot be read as BusTransport", output);
        Assert.Contains("DigitalPost:Cvr '1234' is not a CVR number", output);
    }

    [Fact]
    public async Task Json_output_carries_the_verdict_and_the_sentences()
    {
        var (exit, output, _) = await Run("check-config", Broken(r => r["Mailbox"]!["Mailboxes"]![0]!["Gln"] = "5790000992028"), "--json");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("Mailbox:Mailboxes:0:Gln", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_section_is_a_warning_not_an_error()
    {
        var (exit, output, _) = await Run("check-config", Broken(r => r["Mailboxes"] = new JsonObject()), "--environment", "Production");

        Assert.Equal(0, exit);
        Assert.Contains("WARNING Mailboxes is not a section the mailbox reads", output);
    }

    [Fact]
    public async Task A_missing_file_or_broken_json_could_not_run()
    {
        Assert.Equal(2, (await Run("check-config", Path.Combine(_folder, "none.json"))).Exit);

        var broken = Path.Combine(_folder, "broken.json");
        File.WriteAllText(broken, "{ \"Mailbox\": ");
        var (exit, _, error) = await Run("check-config", broken);
        Assert.Equal(2, exit);
        Assert.Contains("is not a readable JSON settings file", error);
    }
}
