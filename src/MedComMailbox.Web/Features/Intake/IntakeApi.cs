using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Intake;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.Web.Auth;
using MedComMailbox.Web.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedComMailbox.Web.Features.Intake;

/// <summary>
/// <c>POST /api/intake</c>: a VANS envelope, a bare FHIR message (JSON or XML) or an OIOXML letter. The answer comes
/// after the message is committed: 202 accepted, 200 duplicate, 422 rejected (negative acknowledgement queued),
/// 400 unreadable (kept, but no one to answer), 413 too large, 415 wrong content type, 503 storage unavailable
/// (nothing kept: send again). <c>GET /api/messages/{id}</c> shows what became of a message, without patient data.
/// </summary>
public static class IntakeApi
{
    private static readonly HashSet<string> Accepted = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/fhir+json", "application/json", "application/fhir+xml", "application/xml", "text/xml", "application/octet-stream",
    };

    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var intake = app.MapPost("/api/intake", Receive).DisableAntiforgery();
        var show = app.MapGet("/api/messages/{id:guid}", Show);
        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var providers = app.ServiceProvider.GetRequiredService<IOptions<IntakeAuthOptions>>().Value;
        if (!environment.IsDevelopment() || providers.IsConfigured)
        {
            // Anonymous: 401 with a problem document, before the body is read, so nothing is stored.
            intake.RequireAuthorization(Policies.Provider);
        }

        if (!environment.IsDevelopment())
        {
            show.RequireAuthorization(Policies.StaffOrProvider);
        }

        return app;
    }

    private static async Task<IResult> Receive(HttpRequest request, HttpContext http, IOptions<MailboxOptions> options, IntakeService intake, CancellationToken cancellationToken)
    {
        if (request.ContentType is { Length: > 0 } declared &&
            (!MediaTypeHeaderValue.TryParse(declared, out var media) || !Accepted.Contains(media.MediaType.Value ?? "")))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"Send application/fhir+json, application/fhir+xml or application/xml (VANS envelope or OIOXML letter), not '{declared}'.");
        }

        var limit = options.Value.MaxMessageBytes;
        if (await RequestBody.ReadLimitedAsync(request, limit, cancellationToken) is not { } body)
        {
            return RequestBody.TooLarge(limit);
        }

        if (body.Length == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty body", detail: "The request carries no message.");
        }

        var result = await intake.ReceiveAsync(body, request.ContentType, MessageChannel.Http, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        var answer = new Dictionary<string, object?>
        {
            ["outcome"] = result.Outcome.ToString().ToLowerInvariant(),
            ["messageId"] = result.MessageId,
            ["kind"] = result.Kind.ToString(),
            ["medcomMessageId"] = result.MedComMessageId,
            ["acknowledgementId"] = result.AcknowledgementId,
            ["acknowledgementCode"] = result.AcknowledgementCode,
            ["issues"] = IssueLimits.Limit(result.Issues).Select(i => new { code = i.Code, severity = i.Severity.ToString(), textDa = i.TextDa, textEn = i.TextEn, location = i.Location }).ToList(),
            ["issueCount"] = result.Issues.Count,
        };

        switch (result.Outcome)
        {
            case IntakeOutcome.Accepted:
                return Results.Json(answer, statusCode: StatusCodes.Status202Accepted);
            case IntakeOutcome.Duplicate:
                return Results.Json(answer, statusCode: StatusCodes.Status200OK);
            case IntakeOutcome.Unavailable:
                http.Response.Headers.RetryAfter = "30";
                return Results.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Storage unavailable",
                    detail: "The message was not stored. Send it again later; a FHIR sender also gets a transient-error acknowledgement.",
                    extensions: answer);
            default:
                var identified = result.AcknowledgementId is not null || result.MedComMessageId is not null;
                var first = IssueLimits.Limit(result.Issues).FirstOrDefault(i => i.IsBlocking);
                return Results.Problem(
                    statusCode: identified ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
                    title: identified ? "Message rejected" : "Message unreadable",
                    detail: first is null ? null : $"{first.Code}: {first.TextEn}",
                    extensions: answer);
        }
    }

    private static async Task<IResult> Show(Guid id, MessageStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } m)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such message");
        }

        return Results.Ok(new
        {
            id = m.Id,
            m.Direction,
            m.Status,
            m.Channel,
            receivedAt = DateTimeOffset.FromUnixTimeMilliseconds(m.ReceivedAt),
            m.Kind,
            m.Syntax,
            m.MailboxGln,
            m.SenderGln,
            m.ReceiverGln,
            medcomMessageId = m.MessageId,
            m.EnvelopeId,
            m.Category,
            m.Activity,
            m.ThreadId,
            m.ParentId,
            acknowledgementCode = m.AckCode,
            acknowledgementId = m.AckMessageId,
            errorCodes = m.ErrorCodes?.Split(','),
            m.DuplicateCount,
            m.SendAttempts,
            routed = m.RoutedAt is not null,
        });
    }
}
