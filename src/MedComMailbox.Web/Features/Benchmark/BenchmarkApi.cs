using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Http;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Features.Benchmark;

/// <summary>Settings of section <c>Benchmark</c>: only the load generator in <c>bench/</c> turns it on.</summary>
public sealed class BenchmarkOptions
{
    public const string Section = "Benchmark";

    /// <summary>Maps <c>POST /api/benchmark/noop</c>. Off in every shipped configuration.</summary>
    public bool Enabled { get; set; }
}

/// <summary>
/// <c>POST /api/benchmark/noop</c>: the benchmark's baseline on the same host. It does what the intake does at the HTTP edge
/// (reads the body under the same limit, answers 202 with a small JSON) and nothing else: no parse, no validation, no
/// storage. The intake's rate as a fraction of this one is the figure that survives a noisy machine.
/// Mapped only when <c>Benchmark:Enabled=true</c> in Development, so a production host does not expose an endpoint that accepts anything.
/// </summary>
public static class BenchmarkApi
{
    public const string NoOpPath = "/api/benchmark/noop";

    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(BenchmarkOptions.Section).Get<BenchmarkOptions>() ?? new BenchmarkOptions();
        if (options.Enabled && app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            app.MapPost(NoOpPath, NoOp).DisableAntiforgery();
        }

        return app;
    }

    private static async Task<IResult> NoOp(HttpRequest request, IOptions<MailboxOptions> options, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxMessageBytes;
        if (await RequestBody.ReadLimitedAsync(request, limit, cancellationToken) is not { } body)
        {
            return RequestBody.TooLarge(limit);
        }

        return Results.Json(new { outcome = "noop", bytes = body.Length }, statusCode: StatusCodes.Status202Accepted);
    }
}
