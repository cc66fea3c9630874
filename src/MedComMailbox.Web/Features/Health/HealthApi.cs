using System.Text.Json;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedComMailbox.Web.Features.Health;

/// <summary>
/// <c>/health/live</c> (the process answers: no checks), <c>/health/ready</c> (database, bus, VANS folders: 503 when one
/// fails) and <c>/health/external</c> (CPR and Digital Post at Serviceplatformen: reported, never gating readiness).
/// Anonymous by design, for orchestrators and monitoring: outside Development anonymous callers get the statuses only;
/// a signed-in staff member (and anyone in Development) also gets descriptions and data. Never personal data.
/// </summary>
public static class HealthApi
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static IServiceCollection AddMailboxHealthChecks(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMailboxReadinessChecks(configuration);

    /// <summary>The three probes: path and which checks they run.</summary>
    internal static readonly IReadOnlyList<(string Path, HealthCheckOptions Options)> Probes =
    [
        ("/health/live", Options(_ => false)),
        ("/health/ready", Options(c => c.Tags.Contains(HealthTags.Ready))),
        ("/health/external", Options(c => c.Tags.Contains(HealthTags.External))),
    ];

    public static IEndpointRouteBuilder MapMailboxHealth(this IEndpointRouteBuilder app)
    {
        foreach (var (path, options) in Probes)
        {
            app.MapHealthChecks(path, options).AllowAnonymous();
        }

        return app;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        AllowCachingResponses = false,
        ResponseWriter = WriteAsync,
    };

    /// <summary>The overall status and each check's status, description and duration; exception details stay out (they can quote connection strings).</summary>
    internal static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        if (context.User.Identity?.IsAuthenticated != true && !context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            // Anonymous callers outside Development (orchestrators, the internet): statuses only. Descriptions and data
            // can name machines, hosts and endpoints; a signed-in staff member sees them.
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new { name = e.Key, status = e.Value.Status.ToString() }),
            }, Json));
        }

        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                tags = e.Value.Tags,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
