using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>
/// <see cref="IDigitalPostGateway"/> over Serviceplatformen SF1601 KombiPostAfsend (<see cref="DigitalPostClient"/>), with the
/// configured <see cref="DigitalPostOptions.Channel"/> (default automatic: printed post for exempt citizens).
/// The typed HTTP client is resolved per call so its handler rotates as the HTTP client factory intends.
/// </summary>
public sealed class ServiceplatformDigitalPost(IServiceProvider services, IOptions<DigitalPostOptions> options) : IDigitalPostGateway
{
    public Task<KombiResult> SendAsync(MemoLetter letter, CancellationToken cancellationToken) =>
        services.GetRequiredService<DigitalPostClient>().SendAsync(letter, options.Value.Channel, cancellationToken);
}
