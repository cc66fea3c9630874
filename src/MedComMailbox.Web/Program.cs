using MedComMailbox.MedCom;
using MedComMailbox.Web.Configuration;
using MedComMailbox.Web.Features.Validation;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<IInboundMessageReader>(sp => new InboundReader(sp.GetRequiredService<IOptions<MailboxOptions>>().Value.Identities));
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/health/live");
app.MapHealthChecks("/health/ready");
app.MapValidationApi();
app.MapGet("/", (IOptions<MailboxOptions> options) => Results.Ok(new
{
    service = "MedComMailbox",
    mailboxes = options.Value.Mailboxes.Select(m => new { m.Gln, m.SorId, m.Name }),
    endpoints = new[] { "POST /api/validate", "GET /health/live", "GET /health/ready" },
}));

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
