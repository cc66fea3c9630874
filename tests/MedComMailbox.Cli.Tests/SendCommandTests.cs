using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

using MedComMailbox.Tests;

namespace MedComMailbox.Cli.Tests;

/// <summary>The send command against a real HTTP server (WireMock) standing in for the mailbox's intake.</summary>
public sealed class SendCommandTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Posts_fhir_json_with_its_content_type_to_the_intake_path()
    {
        _server.Given(Request.Create().WithPath("/api/intake").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { status = "accepted", acknowledgementId = "a1" }));
        var sample = RepoPaths.Sample("carecommunication", "gp-referral-child.json");

        var (exit, output, _) = await Run("send", sample, "--to", _server.Url!);

        Assert.Equal(0, exit);
        Assert.Contains("accepted", output);
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("application/fhir+json", request.Headers!["Content-Type"].Single().Split(';')[0]);
        Assert.Equal(await File.ReadAllBytesAsync(sample), request.BodyAsBytes);
    }

    [Fact]
    public async Task Oioxml_goes_as_application_xml()
    {
        _server.Given(Request.Create().WithPath("/api/intake").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"status\":\"accepted\"}"));
        var sample = Directory.GetFiles(RepoPaths.Sample("oioxml"), "*.xml").First();

        var (exit, _, _) = await Run("send", sample, "--to", _server.Url!);

        Assert.Equal(0, exit);
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("application/xml", request.Headers!["Content-Type"].Single().Split(';')[0]);
    }

    [Fact]
    public async Task Rejection_exits_one_and_prints_the_answer()
    {
        _server.Given(Request.Create().WithPath("/api/intake").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(422).WithBody("{\"status\":\"rejected\",\"errors\":[{\"code\":\"cc-category-unknown\"}]}"));

        var (exit, output, _) = await Run("send", RepoPaths.Sample("carecommunication", "gp-referral-child.json"), "--to", _server.Url!);

        Assert.Equal(1, exit);
        Assert.Contains("cc-category-unknown", output);
    }

    [Fact]
    public async Task Server_error_exits_two()
    {
        _server.Given(Request.Create().WithPath("/api/intake").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503));

        var (exit, _, _) = await Run("send", RepoPaths.Sample("carecommunication", "gp-referral-child.json"), "--to", _server.Url!);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Unreachable_mailbox_exits_two_with_a_message()
    {
        var url = _server.Url!;
        _server.Stop();

        var (exit, _, error) = await Run("send", RepoPaths.Sample("carecommunication", "gp-referral-child.json"), "--to", url);

        Assert.Equal(2, exit);
        Assert.Contains("Could not reach", error);
    }

    [Fact]
    public async Task Missing_to_option_is_a_usage_error()
    {
        var (exit, _, _) = await Run("send", RepoPaths.Sample("carecommunication", "gp-referral-child.json"));

        Assert.Equal(2, exit);
    }

    [Theory]
    [InlineData("http://localhost:5080", "http://localhost:5080/api/intake")]
    [InlineData("http://localhost:5080/", "http://localhost:5080/api/intake")]
    [InlineData("http://host:1/custom/intake", "http://host:1/custom/intake")]
    public void Base_address_gets_the_intake_path(string to, string expected) =>
        Assert.Equal(expected, Commands.SendCommand.IntakeUri(new Uri(to)).ToString());
}
