using System.Text;
using System.Xml;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Web.Http;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Features.DigitalPost;

/// <summary>
/// <c>POST /api/digitalpost/status</c>: the Beskedfordeler's callback with a <c>ModtagBeskedInput</c> envelope whose payload is
/// a <c>PKO_PostStatus</c>. Each status goes to the <see cref="IPostStatusSink"/>; the answer is 200 with
/// <c>StandardRetur/StatusKode</c> 20, also for statuses of letters we do not know (they are counted, not kept).
/// 400 unreadable XML, 413 larger than 1 MB, 503 when no sink is registered or the sink fails (the Beskedfordeler sends again).
/// </summary>
public static class PostStatusApi
{
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapPostStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/digitalpost/status", Receive).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> Receive(HttpRequest request, HttpContext http, ILoggerFactory loggers, IHostEnvironment environment, IOptions<StatusCallbackOptions> callback, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(PostStatusApi).FullName!);
        if (await RequestBody.ReadLimitedAsync(request, MaxBodyBytes, cancellationToken) is not { } body)
        {
            return RequestBody.TooLarge(MaxBodyBytes);
        }

        // Outside Development (and wherever a secret or certificate is configured) only the Beskedfordeler may report a
        // status: a forged "Fejlet" would flag a case, a forged "Leveret" would hide a lost letter.
        if ((!environment.IsDevelopment() || callback.Value.IsConfigured) && !callback.Value.Authenticates(http, body))
        {
            logger.LogWarning("Digital Post status callback refused: no valid signature or client certificate");
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated",
                detail: $"Sign the body with HMAC-SHA256 in the {StatusCallbackOptions.SignatureHeader} header (sha256=<hex>) or present the configured client certificate.");
        }

        IReadOnlyList<PostStatus> statuses;
        try
        {
            statuses = PostStatusReader.Read(Encoding.UTF8.GetString(body));
        }
        catch (XmlException)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable status", detail: "The body is not a readable ModtagBeskedInput XML document.");
        }

        if (http.RequestServices.GetService<IPostStatusSink>() is not { } sink)
        {
            http.Response.Headers.RetryAfter = "60";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No status sink", detail: "This installation records no Digital Post statuses yet.");
        }

        var recorded = 0;
        try
        {
            foreach (var status in statuses)
            {
                if (await sink.RecordAsync(status, cancellationToken))
                {
                    recorded++;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Recording Digital Post statuses failed ({ExceptionType}); the Beskedfordeler will send them again", e.GetType().Name);
            http.Response.Headers.RetryAfter = "30";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Status not recorded", detail: "Send the status again later.");
        }

        logger.LogInformation("Digital Post status callback: {Count} statuses, {Recorded} recorded, {Unknown} for unknown letters", statuses.Count, recorded, statuses.Count - recorded);
        return Results.Text(PostStatusReader.OkAnswer, "application/xml", Encoding.UTF8, StatusCodes.Status200OK);
    }
}
