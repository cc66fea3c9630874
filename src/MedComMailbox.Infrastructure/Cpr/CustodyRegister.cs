namespace MedComMailbox.Infrastructure.Cpr;

// The CPR register as the workflow needs it, behind an interface: Serviceplatformen SF1520 in production
// (ServiceplatformCustodyRegister), the fictitious register in the embedded default (DevelopmentPersonRegister).
// CprLookup:Mode picks one (Hosting/CitizenServicesRegistration).

/// <summary>A person in the CPR register. Personal data: never log.</summary>
/// <param name="ProtectedAddress">Name and address protection (adressebeskyttelse): never show this person to the other custody holder.</param>
/// <param name="RegisteredForDigitalPost">Null when the register does not say; false: exempt from Digital Post (a paper letter).</param>
/// <param name="Address">The postal address as the register gives it, one line per address line; null when it gives none.</param>
public sealed record RegisteredPerson(string Cpr, string Name, bool ProtectedAddress, bool? RegisteredForDigitalPost, bool Dead, string? Address = null)
{
    /// <summary>The register says this person is exempt from Digital Post (not merely that it does not say).</summary>
    public bool ExemptFromDigitalPost => RegisteredForDigitalPost == false;
}

/// <summary>A child and the persons who hold custody now (ended custody relations left out; at most two).</summary>
public sealed record ChildCustody(RegisteredPerson Child, IReadOnlyList<RegisteredPerson> CustodyHolders);

/// <summary>Who holds custody of a child (SF1520 PersonLookup in production).</summary>
public interface ICustodyRegister
{
    /// <summary>The child and its current custody holders; null when the register does not know the number.</summary>
    Task<ChildCustody?> LookupChildAsync(string childCpr, CancellationToken cancellationToken);

    /// <summary>One person as the register gives them now (name, address, Digital Post); null when it does not know the number.</summary>
    Task<RegisteredPerson?> LookupPersonAsync(string cpr, CancellationToken cancellationToken);
}
