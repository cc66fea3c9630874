using System.Net;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>The development letter viewer exists only beside the development stand-in of Digital Post.</summary>
public sealed class LetterViewerTests
{
    private static readonly DevelopmentLetter Letter = new(
        Guid.Parse("6f1d8a52-0d51-4f7e-9d0b-3c8f8a5e2a11"),
        DateTimeOffset.Parse("2026-03-02T09:15:00+01:00", System.Globalization.CultureInfo.InvariantCulture),
        "0101801234",
        "Anmodning om samtykke",
        "Kære forælder. Vi har modtaget en henvendelse.",
        [new MemoAction("Giv eller afvis samtykke", "SELVBETJENING", new Uri("http://localhost/samtykke/tok3n"))],
        "<Message xmlns=\"urn:oio:dk:memo\"><MessageHeader/></Message>");

    [Fact]
    public async Task Without_the_development_letter_box_the_viewer_answers_404()
    {
        using var app = new MailboxApp(null, services => services.RemoveAll<IDevelopmentLetterBox>());
        using var staff = await PageClient.StaffAsync(app, "admin");

        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetPageAsync("/udvikling/digital-post")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetPageAsync("/udvikling/digital-post/" + Letter.MessageUuid)).Status);
    }

    [Fact]
    public async Task The_viewer_lists_the_letters_with_a_masked_cpr_number_a_clickable_action_and_the_raw_memo()
    {
        using var app = new MailboxApp(null, services =>
        {
            services.RemoveAll<IDevelopmentLetterBox>();
            services.AddSingleton<IDevelopmentLetterBox>(new OneLetter());
        });
        using var staff = await PageClient.StaffAsync(app, "sundhedsplejerske");

        var (listStatus, list) = await staff.GetPageAsync("/udvikling/digital-post");
        var (detailStatus, detail) = await staff.GetPageAsync("/udvikling/digital-post/" + Letter.MessageUuid);
        var (missingStatus, _) = await staff.GetPageAsync("/udvikling/digital-post/" + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Contains("010180-xxxx", list, StringComparison.Ordinal);
        Assert.DoesNotContain("0101801234", list, StringComparison.Ordinal);
        Assert.Contains("<a href=\"http://localhost/samtykke/tok3n\">Giv eller afvis samtykke</a>", list, StringComparison.Ordinal);
        Assert.Contains("Anmodning om samtykke", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
        Assert.Contains("&lt;Message xmlns=&quot;urn:oio:dk:memo&quot;&gt;", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("0101801234", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task The_development_citizen_sign_in_offers_to_sign_in_as_the_addressee_of_the_link()
    {
        using var app = new MailboxApp(null, services =>
        {
            services.RemoveAll<IDevelopmentLetterBox>();
            services.AddSingleton<IDevelopmentLetterBox>(new OneLetter());
        });
        using var client = PageClient.Anonymous(app);

        var (status, page) = await client.GetPageAsync("/borger/log-ind?ReturnUrl=%2Fsamtykke%2Ftok3n");
        var (_, other) = await client.GetPageAsync("/borger/log-ind?ReturnUrl=%2Fsamtykke%2Fsomething-else");
        using var signIn = await client.PostFormAsync("/borger/log-ind?ReturnUrl=%2Fsamtykke%2Ftok3n", "/borger/log-ind?handler=Addressee", new() { ["returnUrl"] = "/samtykke/tok3n" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Log ind som modtageren", page, StringComparison.Ordinal);
        Assert.DoesNotContain("0101801234", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Log ind som modtageren", other, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/samtykke/tok3n", PageClient.Location(signIn));
    }

    private sealed class OneLetter : IDevelopmentLetterBox
    {
        public IReadOnlyList<DevelopmentLetter> List() => [Letter];

        public DevelopmentLetter? Find(Guid messageUuid) => messageUuid == Letter.MessageUuid ? Letter : null;
    }
}
