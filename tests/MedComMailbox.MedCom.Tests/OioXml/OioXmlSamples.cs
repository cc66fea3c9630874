using System.Text;
using MedComMailbox.MedCom.OioXml;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.OioXml;

/// <summary>Fictitious OIOXML letters and receipts for tests, with one part replaceable at a time.</summary>
internal static class OioXmlSamples
{
    public const string EnvelopeXml = "<Envelope><Sent><Date>2024-07-01</Date><Time>09:30</Time></Sent><Identifier>ENV00000000001</Identifier><AcknowledgementCode>pluspositivkvitt</AcknowledgementCode></Envelope>";
    public const string LetterXml = "<Letter><Identifier>LET00000000001</Identifier><VersionCode>XD9134L</VersionCode><StatisticalCode>XDIS91</StatisticalCode><Authorisation><Date>2024-07-01</Date><Time>09:29</Time></Authorisation><TypeCode>XDIS91</TypeCode><StatusCode>nytbrev</StatusCode></Letter>";
    public const string SenderXml = "<Sender><EANIdentifier>5790000000012</EANIdentifier><Identifier>123456</Identifier><IdentifierCode>ydernummer</IdentifierCode><OrganisationName>Lægerne i Byen</OrganisationName><DepartmentName>Almen praksis</DepartmentName><UnitName>Team 2</UnitName><MedicalSpecialityCode>almen_medicin</MedicalSpecialityCode></Sender>";
    public const string ReceiverXml = "<Receiver><EANIdentifier>5790000000029</EANIdentifier><Identifier>5790000000029</Identifier><IdentifierCode>lokationsnummer</IdentifierCode><OrganisationName>Testkommune</OrganisationName></Receiver>";
    public const string PatientXml = "<Patient><CivilRegistrationNumber>0101804321</CivilRegistrationNumber><PersonSurnameName>Testesen</PersonSurnameName><PersonGivenName>Tessa</PersonGivenName><EpisodeOfCareStatusCode>ambulant</EpisodeOfCareStatusCode></Patient>";
    public const string AdditionalXml = "<AdditionalInformation><Priority>rutine</Priority><Subject>Angående henvisning</Subject></AdditionalInformation>";
    public const string TextXml = "<ClinicalInformation><Text01>Kære kommune<Break/>Tak for sidst.</Text01></ClinicalInformation>";
    public const string ReferenceXml = "<Reference><RefDescription>BIN</RefDescription><BIN><ObjectIdentifier>OBJ1</ObjectIdentifier><ObjectCode>tekstfil</ObjectCode><ObjectExtensionCode>pdf</ObjectExtensionCode><OriginalObjectSize>1234</OriginalObjectSize></BIN></Reference>";

    public static MailboxIdentity Us { get; } = new("5790000000029", "123451000016008", "Testkommune, Sundhed og Omsorg");

    /// <summary>A valid letter; each named part can be swapped for other XML (or "" to leave it out).</summary>
    public static string Letter(
        string envelope = EnvelopeXml,
        string letter = LetterXml,
        string sender = SenderXml,
        string receiver = ReceiverXml,
        string patient = PatientXml,
        string additional = AdditionalXml,
        string text = TextXml,
        string reference = ReferenceXml,
        string ns = OioXmlCodes.Namespace2006) =>
        $"""<?xml version="1.0" encoding="UTF-8"?><Emessage xmlns="{ns}">{envelope}<ClinicalEmail>{letter}{sender}{receiver}{patient}{additional}{text}{reference}</ClinicalEmail></Emessage>""";

    public static byte[] Bytes(string xml) => Encoding.UTF8.GetBytes(xml);

    public static OioXmlLetter ReadLetter(string xml)
    {
        var result = OioXmlReader.Read(Bytes(xml));
        Assert.Empty(result.Issues);
        return Assert.IsType<OioXmlLetter>(result.Letter);
    }

    public static string Official(string file) => Path.Combine(RepoPaths.SharedMedCom!, "official-examples", "oioxml-conversion", file);
}
