namespace MedComMailbox.Infrastructure.DigitalPost;

// Digital Post as the workflow needs it, behind interfaces: Serviceplatformen SF1601 in production
// (ServiceplatformDigitalPost), the local letter box in the embedded default (DevelopmentDigitalPost).
// DigitalPost:Mode picks one (Hosting/CitizenServicesRegistration).

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
