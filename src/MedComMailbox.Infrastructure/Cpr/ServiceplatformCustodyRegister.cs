using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.Infrastructure.Cpr;

/// <summary>
/// <see cref="ICustodyRegister"/> over Serviceplatformen SF1520 (<see cref="CprLookupClient"/>): the child, then each current
/// custody holder (type 3 = mother, 4 = father, 5/6 = another holder; ended relations left out), dead holders left out.
/// The typed HTTP client is resolved per call so its handler rotates as the HTTP client factory intends.
/// </summary>
public sealed class ServiceplatformCustodyRegister(IServiceProvider services) : ICustodyRegister
{
    public async Task<ChildCustody?> LookupChildAsync(string childCpr, CancellationToken cancellationToken)
    {
        var client = services.GetRequiredService<CprLookupClient>();
        CprPerson child;
        try
        {
            child = await client.LookupAsync(childCpr, cancellationToken);
        }
        catch (CprNotFoundException)
        {
            return null;
        }

        var holders = new List<RegisteredPerson>();
        foreach (var relation in child.Custody.Where(c => c.Current).DistinctBy(c => c.HolderCpr))
        {
            CprPerson holder;
            try
            {
                holder = await client.LookupAsync(relation.HolderCpr, cancellationToken);
            }
            catch (CprNotFoundException)
            {
                // Dropping the holder would silently leave a parent without a consent request.
                throw new CprLookupException($"The register names a custody holder (relation type {relation.Type}) it does not know.");
            }

            if (!holder.Dead)
            {
                holders.Add(ToRegistered(holder));
            }
        }

        return new ChildCustody(ToRegistered(child), holders);
    }

    public async Task<RegisteredPerson?> LookupPersonAsync(string cpr, CancellationToken cancellationToken)
    {
        try
        {
            return ToRegistered(await services.GetRequiredService<CprLookupClient>().LookupAsync(cpr, cancellationToken));
        }
        catch (CprNotFoundException)
        {
            return null;
        }
    }

    private static RegisteredPerson ToRegistered(CprPerson p) => new(p.Cpr, p.Name, p.ProtectedAddress, p.RegisteredForDigitalPost, p.Dead, p.Address);
}
