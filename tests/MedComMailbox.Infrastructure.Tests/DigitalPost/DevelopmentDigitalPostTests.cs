using System.Collections.Concurrent;
using System.Text;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.DigitalPost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedComMailbox.Infrastructure.Tests.DigitalPost;

public sealed class DevelopmentDigitalPostTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "medcom-devpost-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _provider;

    public void Dispose()
    {
        _provider?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private DevelopmentDigitalPost Post(IPostStatusSink? sink = null)
    {
        var services = new ServiceCollection();
        if (sink is not null)
        {
            services.AddSingleton(sink);
        }

        _provider = services.BuildServiceProvider();
        return new DevelopmentDigitalPost(_directory, _provider, NullLogger<DevelopmentDigitalPost>.Instance);
    }

    private static MemoLetter Letter(
        Guid? id = null, DateTimeOffset? created = null, string mediaType = "text/plain", string text = "Kære forælder,\nvi beder om dit samtykke.", string url = "https://mailbox.sundby.dk/samtykke/abc") => new(
        id ?? Guid.NewGuid(), "Anmodning om samtykke", "29189129", "Sundby Kommune", "0304854118",
        created ?? new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        [new MemoFile("samtykke.txt", mediaType, Encoding.UTF8.GetBytes(text)), new MemoFile("bilag.txt", "text/plain", Encoding.UTF8.GetBytes("andet"))],
        [
            new MemoAction("Giv samtykke", "SELVBETJENING", new Uri(url), End: new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero)),
            new MemoAction("Læs mere", "INFORMATION", new Uri("https://sundby.dk/koordinationsudvalget")),
        ],
        AboutCpr: "1201149996");

    private string[] Files() => Directory.Exists(_directory) ? Directory.GetFiles(_directory) : [];

    [Fact]
    public async Task The_same_uuid_twice_is_one_letter()
    {
        var post = Post();
        var letter = Letter();

        var first = await post.SendAsync(letter, CancellationToken.None);
        var second = await post.SendAsync(letter with { Label = "Påmindelse" }, CancellationToken.None);

        Assert.True(first.Accepted);
        Assert.True(second.Accepted);
        Assert.Equal(first.TransmissionId, second.TransmissionId);
        var file = Assert.Single(Files());
        Assert.Equal(letter.MessageUuid + ".xml", Path.GetFileName(file));
        Assert.Equal("Anmodning om samtykke", post.Find(letter.MessageUuid)!.Label);
    }

    [Fact]
    public async Task Concurrent_sends_of_one_letter_keep_one_file_and_no_temporary_files()
    {
        var post = Post();
        var letter = Letter();
        var other = Letter();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => post.SendAsync(i % 4 == 0 ? other : letter, CancellationToken.None))));

        Assert.All(results, r => Assert.True(r.Accepted));
        Assert.Equal(
            new[] { letter.MessageUuid + ".xml", other.MessageUuid + ".xml" }.Order(),
            Files().Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_file_is_the_memo_message()
    {
        var post = Post();
        var letter = Letter();

        await post.SendAsync(letter, CancellationToken.None);

        var stored = File.ReadAllText(Assert.Single(Files()));
        Assert.Equal(MemoSerializer.Serialize(letter), stored);
        Assert.Equal(letter.MessageUuid.ToString(), XDocument.Parse(stored).Descendants(XName.Get("messageUUID", MemoSerializer.Namespace)).Single().Value);
    }

    [Fact]
    public async Task List_and_find_read_the_letters_back_newest_first()
    {
        var post = Post();
        var older = Letter(created: new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        var newer = Letter(created: new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(1)), mediaType: "text/html; charset=utf-8", text: "<p>Kære forælder</p>");
        await post.SendAsync(older, CancellationToken.None);
        await post.SendAsync(newer, CancellationToken.None);

        var list = post.List();

        Assert.Equal([newer.MessageUuid, older.MessageUuid], list.Select(l => l.MessageUuid));
        var found = post.Find(older.MessageUuid);
        Assert.NotNull(found);
        Assert.Equal("0304854118", found.RecipientCpr);
        Assert.Equal("Anmodning om samtykke", found.Label);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), found.SentAt);
        Assert.Equal("Kære forælder,\nvi beder om dit samtykke.", found.Text);
        Assert.Equal(
            [("Giv samtykke", "SELVBETJENING", "https://mailbox.sundby.dk/samtykke/abc"), ("Læs mere", "INFORMATION", "https://sundby.dk/koordinationsudvalget")],
            found.Actions.Select(a => (a.Label, a.ActionCode, a.Url.AbsoluteUri)));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero), found.Actions[0].End);
        Assert.Contains("<memo:Message", found.MemoXml, StringComparison.Ordinal);
        Assert.Equal("<p>Kære forælder</p>", post.Find(newer.MessageUuid)!.Text);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), post.Find(newer.MessageUuid)!.SentAt);
        Assert.Null(post.Find(Guid.NewGuid()));
    }

    [Fact]
    public async Task Only_text_files_give_text()
    {
        var post = Post();
        var pdf = Letter(mediaType: "application/pdf", text: "%PDF-1.4");
        await post.SendAsync(pdf, CancellationToken.None);

        Assert.Equal("", post.Find(pdf.MessageUuid)!.Text);
    }

    [Fact]
    public void An_empty_or_missing_folder_lists_nothing() => Assert.Empty(Post().List());

    [Fact]
    public async Task A_letter_production_would_refuse_is_refused_and_not_kept()
    {
        var post = Post();

        await Assert.ThrowsAsync<MemoValidationException>(() => post.SendAsync(Letter(url: "http://mailbox.sundby.dk/x"), CancellationToken.None));

        Assert.Empty(Files());
    }

    [Fact]
    public async Task Delivery_is_reported_to_the_sink()
    {
        var sink = new RecordingSink();
        var post = Post(sink);
        var letter = Letter();

        await post.SendAsync(letter, CancellationToken.None);

        var status = Assert.Single(sink.Statuses);
        Assert.Equal(letter.MessageUuid, status.MessageUuid);
        Assert.Equal("Afleveret Digital Post", status.StatusCode);
        Assert.True(status.Delivered);
        Assert.Null(status.ErrorCode);
    }

    [Fact]
    public async Task A_failing_sink_does_not_fail_the_send()
    {
        var sink = new RecordingSink { Fail = true };
        var post = Post(sink);
        var letter = Letter();

        var result = await post.SendAsync(letter, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Single(sink.Statuses);
        Assert.NotNull(post.Find(letter.MessageUuid));
    }

    [Fact]
    public async Task Without_a_sink_the_letter_is_still_sent()
    {
        var post = Post();

        Assert.True((await post.SendAsync(Letter(), CancellationToken.None)).Accepted);
        Assert.Single(post.List());
    }

    private sealed class RecordingSink : IPostStatusSink
    {
        public ConcurrentQueue<PostStatus> Statuses { get; } = new();

        public bool Fail { get; init; }

        public Task<bool> RecordAsync(PostStatus status, CancellationToken cancellationToken)
        {
            Statuses.Enqueue(status);
            return Fail ? throw new InvalidOperationException("sink down") : Task.FromResult(true);
        }
    }
}
