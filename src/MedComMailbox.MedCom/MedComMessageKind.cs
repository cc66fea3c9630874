// Part of the library's public surface that the intake, the CLI and the worker build on (with MedComIssue.cs and
// Inbound.cs): plain types, so the layers above do not depend on the FHIR SDK's object model.
namespace MedComMailbox.MedCom;

/// <summary>The kind of MedCom message, independent of its syntax.</summary>
public enum MedComMessageKind
{
    Unknown,
    CareCommunication,
    Acknowledgement,
    OioXmlLetter,
    OioXmlReceipt,
}

/// <summary>The wire syntax a message arrived in.</summary>
public enum MedComSyntax
{
    Unknown,
    FhirJson,
    FhirXml,
    OioXml,
}
