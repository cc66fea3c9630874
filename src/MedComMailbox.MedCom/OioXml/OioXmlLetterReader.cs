using System.Globalization;
using System.Xml.Linq;
using MedComMailbox.MedCom.Identifiers;
using static MedComMailbox.MedCom.OioXml.OioXmlElements;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>Reads the ClinicalEmail of an Emessage (XDIS91, XD9134L): header, parties, patient, texts and references, with their findings.</summary>
internal static class OioXmlLetterReader
{
    internal static OioXmlLetter ReadLetter(XElement email, XNamespace ns, OioXmlEnvelope envelope, List<MedComIssue> issues)
    {
        const string at = Root + "/ClinicalEmail";
        var header = ReadHeader(email.Element(ns + "Letter"), ns);
        if (header.Identifier is null)
        {
            issues.Add(MedComErrors.OioXmlIdentifierMissing.At($"{at}/Letter/Identifier"));
        }

        if (header.VersionCode != OioXmlCodes.LetterVersion || header.TypeCode != OioXmlCodes.LetterType)
        {
            issues.Add(MedComErrors.OioXmlVersionUnsupported.At($"{at}/Letter", $"VersionCode {SafeXml.Echo(header.VersionCode)}, TypeCode {SafeXml.Echo(header.TypeCode)}"));
        }

        var sender = ReadParty(email.Element(ns + "Sender"), ns);
        if (sender.EanIdentifier is null)
        {
            issues.Add(MedComErrors.OioXmlSenderMissing.At($"{at}/Sender/EANIdentifier"));
        }

        var receiver = ReadParty(email.Element(ns + "Receiver"), ns);
        if (receiver.EanIdentifier is null)
        {
            issues.Add(MedComErrors.OioXmlReceiverMissing.At($"{at}/Receiver/EANIdentifier"));
        }

        var patient = ReadPatient(email.Element(ns + "Patient"), ns);
        CheckPatient(patient, $"{at}/Patient", issues);

        var texts = email.Elements(ns + "ClinicalInformation")
            .Select(info => info.Element(ns + "Text01"))
            .OfType<XElement>()
            .Select(OioXmlText.Read)
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .ToList();
        if (texts.Count == 0)
        {
            issues.Add(MedComErrors.OioXmlTextMissing.At($"{at}/ClinicalInformation"));
        }

        var additional = email.Element(ns + "AdditionalInformation");
        return new OioXmlLetter(
            ns.NamespaceName,
            envelope,
            header,
            sender,
            receiver,
            patient,
            Value(additional, ns + "Priority"),
            Value(additional, ns + "Subject"),
            texts,
            email.Elements(ns + "Reference").Select(r => ReadReference(r, ns)).ToList());
    }

    private static void CheckPatient(OioXmlPatient patient, string at, List<MedComIssue> issues)
    {
        if (patient.CivilRegistrationNumber is { } cpr)
        {
            if (!MedComIdentifiers.IsValidCpr(cpr))
            {
                issues.Add(MedComErrors.CprInvalid.At($"{at}/CivilRegistrationNumber"));
            }
        }
        else if (patient.AlternativeIdentifier is null)
        {
            // A replacement CPR is accepted as it is (ADR 0004): its format varies between issuers.
            issues.Add(MedComErrors.OioXmlPatientMissing.At($"{at}/CivilRegistrationNumber"));
        }
    }

    private static OioXmlLetterHeader ReadHeader(XElement? letter, XNamespace ns) => new(
        Value(letter, ns + "Identifier"),
        Value(letter, ns + "VersionCode"),
        Value(letter, ns + "StatisticalCode"),
        Instant(letter?.Element(ns + "Authorisation"), ns),
        Value(letter, ns + "TypeCode"),
        Value(letter, ns + "StatusCode"),
        Value(letter, ns + "EpisodeOfCareIdentifier"));

    private static OioXmlParty ReadParty(XElement? party, XNamespace ns) => party is null ? OioXmlParty.Empty : new(
        Value(party, ns + "EANIdentifier"),
        Value(party, ns + "Identifier"),
        Value(party, ns + "IdentifierCode"),
        Value(party, ns + "OrganisationName"),
        Value(party, ns + "DepartmentName"),
        Value(party, ns + "UnitName"),
        Value(party, ns + "TelephoneSubscriberIdentifier"),
        Value(party, ns + "MedicalSpecialityCode"));

    private static OioXmlPatient ReadPatient(XElement? patient, XNamespace ns) => patient is null ? OioXmlPatient.Empty : new(
        Value(patient, ns + "CivilRegistrationNumber"),
        Value(patient, ns + "AlternativeIdentifier"),
        Value(patient, ns + "PersonSurnameName"),
        Value(patient, ns + "PersonGivenName"),
        Value(patient, ns + "EpisodeOfCareStatusCode"));

    private static OioXmlReference ReadReference(XElement reference, XNamespace ns)
    {
        var bin = reference.Element(ns + "BIN");
        var binary = bin is null ? null : new OioXmlBinaryObject(
            Value(bin, ns + "ObjectIdentifier"),
            Value(bin, ns + "ObjectCode"),
            Value(bin, ns + "ObjectExtensionCode"),
            long.TryParse(Value(bin, ns + "OriginalObjectSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null);
        return new OioXmlReference(
            Value(reference, ns + "RefDescription"),
            Value(reference, ns + "URL"),
            Value(reference, ns + "SUP") == "true",
            binary);
    }
}
