using MedComMailbox.MedCom;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using MedComMailbox.Web.Http;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Features.Validation;

/// <summary>
/// <c>POST /api/validate</c>: the receiver's verdict on a message without storing it, for integrators testing
/// what they send. Answers with the stable error codes and the texts an acknowledgement would carry; never
/// echoes patient data. 200 when the message would be accepted, 422 when it would be rejected.
/// </summary>
public static class ValidationApi
{
    public static IEndpointRouteBuilder MapValidationApi(this IEndpointRouteBuilder app)
    {
        var validate = app.MapPost("/api/validate", Validate).DisableAntiforgery();
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            validate.RequireAuthorization(Policies.StaffOrProvider);
        }

        return app;
    }

    private static async Task<IResult> Validate(HttpRequest request, IOptions<MailboxOptions> options, IInboundMessageReader reader, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxMessageBytes;
        if (await RequestBody.ReadLimitedAsync(request, limit, cancellationToken) is not { } body)
        {
            return RequestBody.TooLarge(limit);
        }

        var result = reader.Read(body, request.ContentType);
        var verdict = new
        {
            valid = result.IsValid,
            kind = result.Summary.Kind.ToString(),
            syntax = result.Summary.Syntax.ToString(),
            messageId = result.Summary.MessageId,
            issues = IssueLimits.Limit(result.Issues).Select(i => new { code = i.Code, severity = i.Severity.ToString(), textDa = i.TextDa, textEn = i.TextEn, location = i.Location }),
            issueCount = result.Issues.Count,
        };

        // 422 for a message the receiver would reject, so `medcom send` exits 1 on it as it will on the intake.
        return result.IsValid ? Results.Ok(verdict) : Results.UnprocessableEntity(verdict);
    }
}
