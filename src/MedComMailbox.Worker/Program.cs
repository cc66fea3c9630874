using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Workflow;

const string process = "MedComMailbox.Worker";
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddMailboxSettingsFile();

// The same checklist as the web process and check-config: the worker sends the letters and looks up the CPR register.
if (ProductionChecklist.Refuses(process, builder.Environment.EnvironmentName, builder.Configuration, Console.Error))
{
    return ProductionChecklist.ExitCode;
}

var transport = builder.Configuration.GetValue<BusTransport?>($"{BusOptions.Section}:{nameof(BusOptions.Transport)}");
if (transport != BusTransport.RabbitMq)
{
    // The in-memory bus cannot cross processes: a worker on it would wait for events that never come.
    Console.Error.WriteLine("MedComMailbox.Worker needs Bus:Transport=RabbitMq and Bus:RabbitMqUrl; the embedded default runs the consumers inside the web process.");
    return 2;
}

builder.Services.AddMailboxStorageAndMessaging();
builder.Services.AddAuditRetention(builder.Configuration);
builder.Services.AddCitizenServices(builder.Configuration);
builder.Services.AddReferralWorkflow(builder.Configuration);
builder.Services.AddMailboxBus(builder.Configuration, bus => bus.AddWorkflowConsumers());
builder.Services.AddMailboxReadinessChecks(builder.Configuration);
builder.Services.AddMailboxTelemetry(builder.Configuration);
builder.Services.AddMailboxRetention(builder.Configuration);
builder.Services.AddMailboxAlerts(builder.Configuration);

try
{
    await builder.Build().RunAsync();
}
catch (Exception e) when (!builder.Environment.IsDevelopment() && ProductionChecklist.StartFailures(e) is { } failures)
{
    ProductionChecklist.WriteRefusal(process, failures, Console.Error);
    return ProductionChecklist.ExitCode;
}

return 0;
