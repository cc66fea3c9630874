using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>
/// Builds an XDIS91 correspondence letter (2006/07/01, XD9134L) that answers a received one: our mailbox as
/// sender, the original sender as receiver, the same patient, and a new text. XDIS91 has no element for the
/// letter it answers, so the link lives in our own records (the returned identifiers).
/// </summary>
public sealed class OioXmlLetterBuilder(Func<string>? newIdentifier = null)
{
    public const int MaxSubjectLength = 70;

    private static readonly XNamespace Ns = OioXmlCodes.Namespace2006;

    private readonly Func<string> _newIdentifier = newIdentifier ?? OioXmlIdentifiers.NewIdentifier;

    /// <summary>
    /// A reply to <paramref name="original"/>. Throws <see cref="ArgumentException"/> when the original lacks what
    /// the schema requires of a reply (its sender's location number, the patient's CPR and surname), when the text
    /// is empty, or when the subject is longer than <see cref="MaxSubjectLength"/>: callers check these before.
    /// </summary>
    public OioXmlOutbound BuildReply(OioXmlLetter original, MailboxIdentity us, string? subject, string text, DateTimeOffset sentAt)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(us);
        ArgumentException.ThrowIfNullOrWhiteSpace(us.Gln);
        var to = original.Sender;
        var patient = original.Patient;
        if (to.EanIdentifier is null)
        {
            throw new ArgumentException("The original letter has no sender location number to reply to.", nameof(original));
        }

        if (patient.Identifier is null || patient.SurnameName is null)
        {
            throw new ArgumentException("The original letter has no patient CPR number and surname to repeat.", nameof(original));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("A letter needs a text.", nameof(text));
        }

        if (subject?.Length > MaxSubjectLength)
        {
            throw new ArgumentException($"The subject is longer than {MaxSubjectLength} characters.", nameof(subject));
        }

        var envelopeId = OioXmlIdentifiers.Next(_newIdentifier);
        var letterId = OioXmlIdentifiers.Next(_newIdentifier);
        var root = new XElement(Ns + "Emessage",
            OioXmlWriter.Envelope(Ns, sentAt, envelopeId, OioXmlCodes.PositiveReceiptRequested),
            new XElement(Ns + "ClinicalEmail",
                new XElement(Ns + "Letter",
                    new XElement(Ns + "Identifier", letterId),
                    new XElement(Ns + "VersionCode", OioXmlCodes.LetterVersion),
                    new XElement(Ns + "StatisticalCode", OioXmlCodes.LetterType),
                    OioXmlWriter.DateTime(Ns, "Authorisation", sentAt),
                    new XElement(Ns + "TypeCode", OioXmlCodes.LetterType),
                    new XElement(Ns + "StatusCode", OioXmlCodes.NewLetterStatus)),
                new XElement(Ns + "Sender",
                    new XElement(Ns + "EANIdentifier", us.Gln),
                    new XElement(Ns + "Identifier", us.Gln),
                    new XElement(Ns + "IdentifierCode", "lokationsnummer"),
                    new XElement(Ns + "OrganisationName", OioXmlWriter.Cut(string.IsNullOrWhiteSpace(us.Name) ? us.Gln : us.Name, 35))),
                new XElement(Ns + "Receiver",
                    new XElement(Ns + "EANIdentifier", to.EanIdentifier),
                    new XElement(Ns + "Identifier", to.Identifier ?? to.EanIdentifier),
                    new XElement(Ns + "IdentifierCode", to.Identifier is null ? "lokationsnummer" : to.IdentifierCode ?? "lokationsnummer"),
                    Optional("OrganisationName", to.OrganisationName, 35),
                    Optional("DepartmentName", to.DepartmentName, 35),
                    Optional("UnitName", to.UnitName, 35)),
                new XElement(Ns + "Patient",
                    patient.CivilRegistrationNumber is { } cpr
                        ? new XElement(Ns + "CivilRegistrationNumber", cpr)
                        : new XElement(Ns + "AlternativeIdentifier", patient.AlternativeIdentifier),
                    new XElement(Ns + "PersonSurnameName", OioXmlWriter.Cut(patient.SurnameName, 70)),
                    Optional("PersonGivenName", patient.GivenName, 70),

                    // Required by the schema; "inaktiv" is what MedCom's own correspondence examples carry.
                    new XElement(Ns + "EpisodeOfCareStatusCode", patient.EpisodeOfCareStatusCode ?? "inaktiv")),
                string.IsNullOrWhiteSpace(subject) ? null : new XElement(Ns + "AdditionalInformation", new XElement(Ns + "Subject", OioXmlText.Clean(subject))),
                new XElement(Ns + "ClinicalInformation", new XElement(Ns + "Text01", OioXmlText.Write(text, Ns)))));

        return new OioXmlOutbound(
            OioXmlWriter.ToBytes(root),
            MedComMessageKind.OioXmlLetter,
            envelopeId,
            letterId,
            OioXmlCodes.LetterVersion,
            OioXmlCodes.LetterDocumentName,
            to.EanIdentifier);
    }

    private static XElement? Optional(string name, string? value, int max) =>
        OioXmlWriter.Optional(Ns + name, value is null ? null : OioXmlWriter.Cut(value, max));
}
