using System.Net;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Http;

/// <summary>
/// Errors as people and machines each expect them: a browser asking for a page gets a short Danish HTML page (404, 500,
/// any other error status without a body); <c>/api</c>, <c>/health</c> and every caller that does not ask for HTML keep
/// RFC 9457 problem documents. Nothing of the request (path, query, exception) is echoed: it can hold a CPR number.
/// 403 for signed-in staff and citizens is the cookie handlers' own Danish page (<c>WebRegistration.Forbidden</c>).
/// </summary>
public static class PeoplesErrorPages
{
    public static WebApplication UseMailboxErrorPages(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                if (ForPeople(context))
                {
                    await WriteAsync(context);
                    return;
                }

                await WriteProblemAsync(context);
            },
        });
        app.UseStatusCodePages(async status =>
        {
            if (ForPeople(status.HttpContext))
            {
                await WriteAsync(status.HttpContext);
                return;
            }

            await WriteProblemAsync(status.HttpContext);
        });
        return app;
    }

    /// <summary>A browser asking for a page: not an API or health path, and HTML among what it accepts.</summary>
    public static bool ForPeople(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The Danish title and text for a status (what happened, and what the person can do).</summary>
    public static (string Title, string Text) Describe(int status) => status switch
    {
        StatusCodes.Status404NotFound => ("Siden findes ikke", "Siden findes ikke, eller det, den viste, er slettet efter reglerne for opbevaring. Tjek adressen, eller gå til forsiden."),
        StatusCodes.Status403Forbidden => ("Ingen adgang", "Du har ikke adgang til denne side."),
        StatusCodes.Status401Unauthorized => ("Log ind", "Du skal logge ind for at se denne side."),
        StatusCodes.Status400BadRequest => ("Forespørgslen kunne ikke læses", "Siden fik en forespørgsel, den ikke kunne læse. Gå tilbage, og prøv igen."),
        StatusCodes.Status405MethodNotAllowed => ("Siden kan ikke bruges sådan", "Siden kan ikke bruges på denne måde. Gå tilbage, og prøv igen."),
        StatusCodes.Status413PayloadTooLarge => ("For stor", "Det, du sendte, er større, end siden tager imod."),
        >= 500 => ("Der skete en fejl", "Der skete en teknisk fejl hos os. Prøv igen om lidt. Sker det igen, så kontakt kommunens it-drift og oplys tidspunktet."),
        _ => ("Siden kunne ikke vises", "Siden kunne ikke vises. Gå tilbage, og prøv igen."),
    };

    private static Task WriteAsync(HttpContext context)
    {
        var (title, text) = Describe(context.Response.StatusCode);
        // Citizens (consent letters, the citizen sign-in) have no staff start page to go back to.
        var path = context.Request.Path;
        var citizen = path.StartsWithSegments("/samtykke", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/borger", StringComparison.OrdinalIgnoreCase);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{WebUtility.HtmlEncode(title)}</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>" +
            $"<body><main class=\"page narrow\"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>" +
            (citizen ? CitizenContact(context) : "<p><a href=\"/start\">Til forsiden</a></p>") +
            "</main></body></html>");
    }

    /// <summary>How a citizen reaches the committee instead: the same contact as the citizen pages' foot.</summary>
    private static string CitizenContact(HttpContext context)
    {
        var workflow = context.RequestServices.GetRequiredService<IOptions<WorkflowOptions>>().Value;
        var phone = WorkflowOptions.FormatPhone(workflow.Contact.Phone);
        return $"<p>Spørgsmål? Kontakt {WebUtility.HtmlEncode(workflow.Committee)} på telefon {WebUtility.HtmlEncode(phone)} " +
               $"eller e-mail {WebUtility.HtmlEncode(workflow.Contact.Email)}.</p>";
    }

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context }))
        {
            await context.Response.WriteAsync(ReasonPhrases(context.Response.StatusCode));
        }
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
