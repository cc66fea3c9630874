using MedComMailbox.Infrastructure.DigitalPost;

namespace MedComMailbox.Infrastructure.Citizens;

// The two national services the workflow needs, behind interfaces: Serviceplatformen in production (SF1520, SF1601),
// built-in development stand-ins in the embedded default. Configuration picks one (CprLookup:Mode, DigitalPost:Mode).

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

/// <summary>Sends one MeMo letter (SF1601 KombiPostAfsend in production). Sending the same messageUUID twice is one letter.</summary>
public interface IDigitalPostGateway
{
    Task<KombiResult> SendAsync(MemoLetter letter, CancellationToken cancellationToken);
}

/// <summary>Where delivery statuses go (PKO_PostStatus from the callback, or the development stand-in). The workflow implements it.</summary>
public interface IPostStatusSink
{
    /// <summary>Records a status for the letter with that messageUUID; false when no letter has it.</summary>
    Task<bool> RecordAsync(PostStatus status, CancellationToken cancellationToken);
}

/// <summary>A letter the development stand-in of Digital Post received, as the letter viewer shows it.</summary>
public sealed record DevelopmentLetter(
    Guid MessageUuid,
    DateTimeOffset SentAt,
    string RecipientCpr,
    string Label,
    string Text,
    IReadOnlyList<MemoAction> Actions,
    string MemoXml);

/// <summary>The development stand-in's letters, newest first (the local letter viewer reads them).</summary>
public interface IDevelopmentLetterBox
{
    IReadOnlyList<DevelopmentLetter> List();

    DevelopmentLetter? Find(Guid messageUuid);
}
