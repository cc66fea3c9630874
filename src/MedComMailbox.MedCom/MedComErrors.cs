// The catalogue of every finding the library can report. Codes are stable: tests, the samples in
// medcom-samples/invalid/ (one file per code, named after it), operators and the inbox key on them.
// Each code maps to MedCom's acknowledgement error code system so an OperationOutcome can carry both.
namespace MedComMailbox.MedCom;

/// <summary>One catalogued rule: our stable code, its MedCom acknowledgement code, and the two texts.</summary>
public sealed record MedComRule(string Code, MedComIssueSeverity Severity, string AckCode, string TextDa, string TextEn, string? Invariant = null)
{
    public MedComIssue At(string? location = null, string? detail = null) =>
        new(Code, Severity, detail is null ? TextDa : $"{TextDa} ({detail})", detail is null ? TextEn : $"{TextEn} ({detail})", location);
}

/// <summary>Every rule the receiver enforces. See medcom-samples/invalid/README.md for one failing sample per rule.</summary>
public static class MedComErrors
{
    /// <summary>MedCom's acknowledgement error codes (CodeSystem medcom-acknowledgement-error-codes).</summary>
    public static class AckCodes
    {
        public const string System = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-acknowledgement-error-codes";
        public const string ReceiverUnknown = "MSG_Receiver_Identifier_UNKNOWN";
        public const string ReceiverMissing = "MSG_Receiver_Identifier_MISSING";
        public const string TypeUnsupported = "MSG_RECEIVER_UNABLE_TO_RECEIVE_MSG_TYPE";
        public const string ValueSetUnknown = "MSG_VALUESET_VALUE_UNKNOWN";
        public const string CodeSystemUnknown = "MSG_CodeSystem_VALUE_UNKNOWN";
        public const string TooLong = "MSG_Element_To_Long";
        public const string DatatypeWrong = "MSG_Datatype_Wrong";
        public const string OutOfOperation = "MSG_Mailbox_Out_Of_Operation";
        public const string Damaged = "MSG_Damaged_durin_transport";
    }

    private const MedComIssueSeverity E = MedComIssueSeverity.Error;
    private const MedComIssueSeverity F = MedComIssueSeverity.Fatal;
    private const MedComIssueSeverity W = MedComIssueSeverity.Warning;

    // Transport and syntax
    public static readonly MedComRule BodyEmpty = new("body-empty", F, AckCodes.Damaged, "Beskeden er tom", "The message body is empty");
    public static readonly MedComRule SyntaxInvalid = new("syntax-invalid", F, AckCodes.Damaged, "Beskeden kan ikke læses (fejl i JSON/XML)", "The message cannot be read (malformed JSON/XML)");
    public static readonly MedComRule XmlDtdForbidden = new("xml-dtd-forbidden", F, AckCodes.Damaged, "XML med DTD eller eksterne entiteter afvises", "XML with a DTD or external entities is refused");
    public static readonly MedComRule FormatUnknown = new("format-unknown", F, AckCodes.TypeUnsupported, "Beskedformatet er ukendt", "The message format is not recognised");
    public static readonly MedComRule EnvelopeInvalid = new("envelope-invalid", F, AckCodes.Damaged, "VANS-kuverten er ugyldig", "The VANS envelope is invalid");
    public static readonly MedComRule EnvelopeMimeUnsupported = new("envelope-mime-unsupported", F, AckCodes.TypeUnsupported, "MIME-typen i kuverten understøttes ikke", "The MIME type in the envelope is not supported");
    public static readonly MedComRule FhirStructureInvalid = new("fhir-structure-invalid", F, AckCodes.DatatypeWrong, "FHIR-ressourcen overholder ikke basisspecifikationen", "The FHIR resource does not conform to the base specification");
    public static readonly MedComRule StringTooLong = new("string-too-long", E, AckCodes.TooLong, "En tekstværdi er længere end FHIR's grænse på 1 MB", "A string value is longer than FHIR's limit of 1 MB");
    public static readonly MedComRule WhitespaceTrimmed = new("whitespace-trimmed", W, AckCodes.DatatypeWrong, "En værdi havde mellemrum før eller efter; de er fjernet", "A value had leading or trailing whitespace; it was trimmed");

    // Bundle (MedCom receiver point 2)
    public static readonly MedComRule NotABundle = new("bundle-missing", F, AckCodes.DatatypeWrong, "Beskeden er ikke et FHIR Bundle", "The message is not a FHIR Bundle");
    public static readonly MedComRule BundleTypeNotMessage = new("bundle-type-not-message", E, AckCodes.ValueSetUnknown, "Bundle.type skal være 'message'", "Bundle.type must be 'message'");
    public static readonly MedComRule HeaderNotFirst = new("messageheader-not-first", E, AckCodes.DatatypeWrong, "Første entry i bundlet skal være en MessageHeader", "The first bundle entry must be a MessageHeader");
    public static readonly MedComRule ProvenanceMissing = new("provenance-missing", E, AckCodes.DatatypeWrong, "Bundlet skal indeholde mindst én Provenance", "The bundle must contain at least one Provenance");
    public static readonly MedComRule ReferenceUnresolved = new("reference-unresolved", E, AckCodes.DatatypeWrong, "En reference peger på en ressource, som ikke findes i bundlet", "A reference points to a resource that is not in the bundle");
    public static readonly MedComRule IdInvalid = new("id-invalid", E, AckCodes.DatatypeWrong, "Bundle.id og MessageHeader.id skal være gyldige FHIR-id'er (A-Z, a-z, 0-9, '-' og '.', højst 64 tegn)", "Bundle.id and MessageHeader.id must be valid FHIR ids (A-Z, a-z, 0-9, '-' and '.', at most 64 characters)");
    public static readonly MedComRule ProfileInvalid = new("profile-invalid", E, AckCodes.DatatypeWrong, "Beskeden overholder ikke MedComs profil", "The message does not conform to MedCom's profile");
    public static readonly MedComRule ProfileCodeUnknown = new("profile-code-unknown", E, AckCodes.ValueSetUnknown, "En kode findes ikke i MedComs værdisæt", "A code is not in MedCom's value set");
    public static readonly MedComRule ProfileWarning = new("profile-warning", W, AckCodes.DatatypeWrong, "Afvigelse fra MedComs profil (afviser ikke beskeden)", "Deviation from MedCom's profile (does not reject the message)");
    public static readonly MedComRule ProfileMissing = new("profile-missing", E, AckCodes.DatatypeWrong, "meta.profile mangler eller er forkert", "meta.profile is missing or wrong", "medcom-careCommunication-1/-3");

    // Type and definition (point 5)
    public static readonly MedComRule EventUnsupported = new("event-unsupported", F, AckCodes.TypeUnsupported, "Beskedtypen (eventCoding) understøttes ikke af modtageren", "The message type (eventCoding) is not supported by the receiver");
    public static readonly MedComRule DefinitionMismatch = new("definition-mismatch", E, AckCodes.TypeUnsupported, "MessageHeader.definition skal være MedComCareCommunicationMessageDefinition|5.x", "MessageHeader.definition must be MedComCareCommunicationMessageDefinition|5.x", "medcom-carecommunication-definition-url");

    // Addressing (point 4)
    public static readonly MedComRule ReceiverMissing = new("receiver-missing", E, AckCodes.ReceiverMissing, "Modtageren (primær destination med GLN og SOR-id) mangler", "The receiver (primary destination with GLN and SOR id) is missing");
    public static readonly MedComRule ReceiverUnknown = new("receiver-unknown", F, AckCodes.ReceiverUnknown, "Modtagerens lokationsnummer er ikke en af denne postkasses", "The receiver's location number is not one of this mailbox's");
    public static readonly MedComRule ReceiverEndpointDiffers = new("receiver-endpoint-differs", W, AckCodes.ReceiverUnknown, "Destinationens endpoint nævner et andet SOR-id end modtagerorganisationen; beskeden er modtaget, fordi lokationsnummeret er vores", "The destination endpoint names another SOR id than the receiver Organization; the message was accepted because the location number is ours");
    public static readonly MedComRule SenderMissing = new("sender-missing", E, AckCodes.DatatypeWrong, "Afsenderen (organisation med GLN og SOR-id) mangler", "The sender (organisation with GLN and SOR id) is missing");
    public static readonly MedComRule GlnInvalid = new("gln-invalid", E, AckCodes.DatatypeWrong, "Lokationsnummeret (GLN) er ugyldigt (13 cifre med kontrolciffer)", "The location number (GLN) is invalid (13 digits with a check digit)");
    public static readonly MedComRule CcNotAllowed = new("cc-not-allowed", E, AckCodes.DatatypeWrong, "Kopimodtagere (cc) er ikke tilladt", "Copy receivers (cc) are not allowed");

    // CareCommunication (point 6)
    public static readonly MedComRule PatientCount = new("patient-count", E, AckCodes.DatatypeWrong, "Bundlet skal indeholde præcis én Patient", "The bundle must contain exactly one Patient", "medcom-careCommunication-2");
    public static readonly MedComRule PatientIdentifierInvalid = new("patient-identifier-invalid", E, AckCodes.DatatypeWrong, "Patientens CPR-nummer eller erstatnings-CPR er ugyldigt", "The patient's CPR or replacement CPR number is invalid");
    public static readonly MedComRule CommunicationCount = new("communication-count", E, AckCodes.DatatypeWrong, "Bundlet skal indeholde præcis én Communication, som MessageHeader.focus peger på", "The bundle must contain exactly one Communication, the MessageHeader's focus");
    public static readonly MedComRule CategoryCount = new("category-count", E, AckCodes.DatatypeWrong, "Communication skal have præcis én kategori", "The Communication must have exactly one category");
    public static readonly MedComRule CategoryUnknown = new("category-unknown", E, AckCodes.CodeSystemUnknown, "Kategorien findes ikke i MedComs kodesystem", "The category is not in MedCom's code system");
    public static readonly MedComRule TopicRequired = new("topic-required", E, AckCodes.DatatypeWrong, "Emne (topic) skal udfyldes, når kategorien er 'other'", "A topic is required when the category is 'other'", "medcom-careCommunication-6");
    public static readonly MedComRule PriorityNotAllowed = new("priority-not-allowed", E, AckCodes.DatatypeWrong, "Prioritet må kun angives ved kategorien 'regarding-referral'", "Priority is only allowed with the category 'regarding-referral'", "medcom-careCommunication-5");
    public static readonly MedComRule PriorityUnknown = new("priority-unknown", E, AckCodes.ValueSetUnknown, "Prioriteten skal være 'routine' eller 'asap'", "The priority must be 'routine' or 'asap'");
    public static readonly MedComRule CommunicationIdentifierInvalid = new("communication-identifier-invalid", E, AckCodes.DatatypeWrong, "Communication.identifier skal være et urn:uuid:", "Communication.identifier must be a urn:uuid:", "medcom-uuidv4");
    public static readonly MedComRule PayloadMissing = new("payload-missing", E, AckCodes.DatatypeWrong, "Communication skal have mindst ét tekstsegment", "The Communication must have at least one text segment");
    public static readonly MedComRule PayloadIdentifierInvalid = new("payload-identifier-invalid", E, AckCodes.DatatypeWrong, "Hvert segment skal have sit eget urn:uuid:-id", "Every segment must have its own urn:uuid: identifier", "medcom-uuidv4");
    public static readonly MedComRule PayloadDateMissing = new("payload-date-missing", E, AckCodes.DatatypeWrong, "Hvert segment skal have et tidspunkt", "Every segment must have a date and time");
    public static readonly MedComRule PayloadAuthorMissing = new("payload-author-missing", E, AckCodes.DatatypeWrong, "Hvert tekstsegment skal have en forfatter med navn og rolle", "Every text segment must have an author with a name and a role", "medcom-careCommunication-7/-8");
    public static readonly MedComRule PayloadContactMissing = new("payload-contact-missing", E, AckCodes.DatatypeWrong, "Hvert tekstsegment skal have et telefonnummer", "Every text segment must have a phone number");
    public static readonly MedComRule AttachmentInvalid = new("attachment-invalid", E, AckCodes.ValueSetUnknown, "Et bilag skal have en titel, og en eventuel MIME-type skal være tilladt (pdf, gif, jpeg, png, tiff, bmp)", "An attachment must have a title, and its MIME type, if any, must be allowed (pdf, gif, jpeg, png, tiff, bmp)");
    public static readonly MedComRule PayloadProvenanceMismatch = new("payload-provenance-mismatch", W, AckCodes.DatatypeWrong, "Segmenternes id stemmer ikke med Provenance-ressourcernes entity", "The segment identifiers do not agree with the Provenance entities");
    public static readonly MedComRule SenderInconsistent = new("sender-inconsistent", E, AckCodes.DatatypeWrong, "Den angivne afsender hører ikke til MessageHeader.sender", "The specific sender does not belong to MessageHeader.sender", "medcom-careCommunication-11");
    public static readonly MedComRule RecipientInconsistent = new("recipient-inconsistent", E, AckCodes.DatatypeWrong, "Den angivne modtager hører ikke til MessageHeader.receiver", "The specific recipient does not belong to the MessageHeader receiver", "medcom-careCommunication-12");

    // Provenance and threading (point 7)
    public static readonly MedComRule ProvenanceActivityUnknown = new("provenance-activity-unknown", E, AckCodes.CodeSystemUnknown, "Provenance.activity er ikke en kendt MedCom-aktivitet", "Provenance.activity is not a known MedCom activity");
    public static readonly MedComRule ProvenanceTargetMissing = new("provenance-target-missing", E, AckCodes.DatatypeWrong, "Ingen Provenance peger på denne beskeds MessageHeader", "No Provenance targets this message's MessageHeader");
    public static readonly MedComRule ProvenanceRevisionMissing = new("provenance-revision-missing", E, AckCodes.DatatypeWrong, "Et svar eller en videresendelse skal pege på den forrige besked (entity revision)", "A reply or forward must point at the previous message (entity revision)");

    // Acknowledgement
    public static readonly MedComRule AckResponseMissing = new("ack-response-missing", E, AckCodes.DatatypeWrong, "Kvitteringen mangler response.identifier eller response.code", "The acknowledgement lacks response.identifier or response.code");
    public static readonly MedComRule AckOutcomeMissing = new("ack-outcome-missing", E, AckCodes.DatatypeWrong, "En negativ kvittering skal have en OperationOutcome", "A negative acknowledgement must carry an OperationOutcome");

    // Intake (decided against what is already stored, so no single sample file can show them)
    public static readonly MedComRule BundleIdReused = new("bundle-id-reused", E, AckCodes.DatatypeWrong, "Bundle.id er allerede brugt af en anden besked (nyt MessageHeader.id)", "Bundle.id was already used by another message (new MessageHeader.id)");

    // CPR
    public static readonly MedComRule CprInvalid = new("cpr-invalid", E, AckCodes.DatatypeWrong, "CPR-nummeret er ugyldigt (10 cifre med gyldig fødselsdato)", "The CPR number is invalid (10 digits with a valid birth date)");

    // OIOXML
    public static readonly MedComRule OioXmlVersionUnsupported = new("oioxml-version-unsupported", F, AckCodes.TypeUnsupported, "OIOXML-brevtypen eller versionen understøttes ikke (kun XDIS91 XD9134L)", "The OIOXML letter type or version is not supported (XDIS91 XD9134L only)");
    public static readonly MedComRule OioXmlIdentifierMissing = new("oioxml-identifier-missing", F, AckCodes.DatatypeWrong, "Kuvert- eller brevnummer mangler", "The envelope or letter identifier is missing");
    public static readonly MedComRule OioXmlReceiverMissing = new("oioxml-receiver-missing", E, AckCodes.ReceiverMissing, "Modtagerens lokationsnummer (EANIdentifier) mangler", "The receiver's location number (EANIdentifier) is missing");
    public static readonly MedComRule OioXmlSenderMissing = new("oioxml-sender-missing", E, AckCodes.DatatypeWrong, "Afsenderens lokationsnummer (EANIdentifier) mangler", "The sender's location number (EANIdentifier) is missing");
    public static readonly MedComRule OioXmlPatientMissing = new("oioxml-patient-missing", E, AckCodes.DatatypeWrong, "Patienten (CivilRegistrationNumber) mangler", "The patient (CivilRegistrationNumber) is missing");
    public static readonly MedComRule OioXmlTextMissing = new("oioxml-text-missing", E, AckCodes.DatatypeWrong, "Brevet har ingen tekst (ClinicalInformation)", "The letter has no text (ClinicalInformation)");

    /// <summary>Every rule, for documentation and for the test that each has a failing sample.</summary>
    public static IReadOnlyList<MedComRule> All { get; } = typeof(MedComErrors)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(MedComRule))
        .Select(f => (MedComRule)f.GetValue(null)!)
        .ToList();

    public static MedComRule? Find(string code) => All.FirstOrDefault(r => r.Code == code);
}
