using Microsoft.AspNetCore.Http.Features;

namespace MedComMailbox.Web.Http;

/// <summary>Reads a request body up to a limit without trusting Content-Length.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (also when it is chunked and Kestrel's own limit cuts it).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        // Kestrel's own cap (30 MB) must not cut in before ours when ours is configured higher.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        try
        {
            if (request.ContentLength is { } declared)
            {
                // One exact allocation instead of a doubling buffer and a copy: a 20 MB body costs 20 MB, not 60.
                var exact = new byte[declared];
                var read = 0;
                while (read < exact.Length)
                {
                    var n = await request.Body.ReadAsync(exact.AsMemory(read), cancellationToken);
                    if (n == 0)
                    {
                        return exact[..read];
                    }

                    read += n;
                }

                // More than declared: Kestrel refuses that itself, other servers might not.
                return await request.Body.ReadAsync(new byte[1], cancellationToken) == 0 ? exact : null;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int count;
            while ((count = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + count > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, count);
            }

            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body over Kestrel's limit: the same 413 as over ours, never a 500.
            return null;
        }
    }

    public static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Message too large", detail: $"The body is larger than the configured limit of {limit} bytes (Mailbox:MaxMessageBytes).");
}
