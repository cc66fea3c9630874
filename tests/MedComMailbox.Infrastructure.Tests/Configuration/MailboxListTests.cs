using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Tests.Configuration;

/// <summary>A municipality's mailbox list replaces appsettings.json's example list instead of merging with it by position.</summary>
public sealed class MailboxListTests : IDisposable
{
    private const string Examples = """
        { "Mailbox": { "Mailboxes": [
          { "Gln": "5790000991006", "SorId": "1234561000016001", "Name": "Eksempel 1" },
          { "Gln": "5790000991013", "SorId": "1234571000016003", "Name": "Eksempel 2" } ] } }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("medcom-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_settings_file_with_one_mailbox_answers_for_that_one_only()
    {
        var mailboxes = Mailboxes("""{ "Mailbox": { "Mailboxes": [ { "Gln": "5790000882007", "SorId": "2345671000016005", "Name": "Vores Kommune" } ] } }""");

        Assert.Equal(["5790000882007"], mailboxes.Select(m => m.Gln));
    }

    [Fact]
    public void An_environment_variable_may_still_change_one_field_of_the_municipalitys_entry()
    {
        var mailboxes = Mailboxes(
            """{ "Mailbox": { "Mailboxes": [ { "Gln": "5790000882007", "SorId": "2345671000016005", "Name": "Vores Kommune" } ] } }""",
            new() { ["Mailbox:Mailboxes:0:Name"] = "Nyt navn" });

        Assert.Equal([("5790000882007", "Nyt navn")], mailboxes.Select(m => (m.Gln, m.Name)));
    }

    [Fact]
    public void Without_a_list_of_its_own_the_examples_stay_and_single_fields_merge_as_usual()
    {
        var mailboxes = Mailboxes("""{ "Mailbox": { "DataDirectory": "/var/lib/medcom" } }""", new() { ["Mailbox:Mailboxes:1:Name"] = "Sundhedsplejen" });

        Assert.Equal([("5790000991006", "Eksempel 1"), ("5790000991013", "Sundhedsplejen")], mailboxes.Select(m => (m.Gln, m.Name)));
    }

    private List<MailboxEntry> Mailboxes(string municipality, Dictionary<string, string?>? environment = null)
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), Examples);
        File.WriteAllText(Path.Combine(_dir, "kommune.json"), municipality);
        var configuration = new ConfigurationBuilder().SetBasePath(_dir)
            .AddJsonFile("appsettings.json").AddJsonFile("kommune.json").AddInMemoryCollection(environment ?? []).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddMailboxStorageAndMessaging();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MailboxOptions>>().Value.Mailboxes;
    }
}
