using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Web;
using MedComMailbox.Web.Features.Benchmark;
using MedComMailbox.Web.Features.DigitalPost;
using MedComMailbox.Web.Features.Health;
using MedComMailbox.Web.Features.Intake;
using MedComMailbox.Web.Features.Validation;
using MedComMailbox.Web.Http;
using Microsoft.Extensions.Options;

const string process = "MedComMailbox.Web";
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddMailboxSettingsFile();

// Outside Development every development stand-in must have its real counterpart configured (docs: Production checklist).
if (ProductionChecklist.Refuses(process, builder.Environment.EnvironmentName, builder.Configuration, Console.Error))
{
    return ProductionChecklist.ExitCode;
}

builder.Services.AddMailboxWebProcess(builder.Configuration);

var app = builder.Build();

app.UseMailboxEdge();
app.UseMailboxErrorPages();
app.MapMailboxHealth();
app.MapValidationApi();
app.MapIntakeApi();
app.MapMailboxWeb();
app.MapPostStatusApi();
app.MapBenchmarkApi();
string[] pages = ["/start (staff: inbox, cases, committee, operations, statistics)", "/samtykke/{token} (citizens: consent)"];
string[] endpoints = ["POST /api/intake", "GET /api/messages/{id}", "POST /api/validate", "POST /api/digitalpost/status", "GET /health/live", "GET /health/ready", "GET /health/external"];
app.MapGet("/", (IOptions<MailboxOptions> options) => Results.Ok(new
{
    service = "MedComMailbox",
    mailboxes = options.Value.Mailboxes.Select(m => new { m.Gln, m.SorId, m.Name }),
    pages,
    endpoints,
}));

try
{
    await app.RunAsync();
}
catch (Exception e) when (!app.Environment.IsDevelopment() && ProductionChecklist.StartFailures(e) is { } failures)
{
    // A setting the options validators refuse at start: the same sentences check-config prints, without a stack trace
    // (in Development the exception stays, for the developer and the tests that expect it).
    ProductionChecklist.WriteRefusal(process, failures, Console.Error);
    return ProductionChecklist.ExitCode;
}

return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
