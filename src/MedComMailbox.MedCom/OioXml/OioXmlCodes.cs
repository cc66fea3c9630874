namespace MedComMailbox.MedCom.OioXml;

/// <summary>The namespaces and codes of the OIOXML correspondence letter (XDIS91) and its receipts.</summary>
public static class OioXmlCodes
{
    /// <summary>The namespace of XDIS91 version XD9134L, which we write.</summary>
    public const string Namespace2006 = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/";

    /// <summary>The older namespace; receipts (XCTL02/XCTL03) only exist in it, and some senders still use it for letters.</summary>
    public const string Namespace2005 = "http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/";

    public const string LetterVersion = "XD9134L";
    public const string LetterType = "XDIS91";

    public const string PositiveReceiptVersion = "XC0330Q";
    public const string PositiveReceiptStatistical = "XCTL03";

    /// <summary>MedCom's EHMI message definitions pair XC0230Q with XCTL02 (<c>contrl:xctl02:xc0230q</c>).</summary>
    public const string NegativeReceiptVersion = "XC0230Q";
    public const string NegativeReceiptStatistical = "XCTL02";

    /// <summary>Envelope AcknowledgementCode: the sender wants a positive receipt.</summary>
    public const string PositiveReceiptRequested = "pluspositivkvitt";

    /// <summary>Envelope AcknowledgementCode: no positive receipt wanted (always so on receipts).</summary>
    public const string NoPositiveReceipt = "minuspositivkvitt";

    public const string NewLetterStatus = "nytbrev";

    /// <summary>VANS document names (<c>MCM:</c> and the statistical code).</summary>
    public const string LetterDocumentName = "MCM:XDIS91";
    public const string PositiveReceiptDocumentName = "MCM:XCTL03";
    public const string NegativeReceiptDocumentName = "MCM:XCTL02";

    public const string ContentType = "application/xml";

    /// <summary>Envelope and letter identifiers are String_1_14.</summary>
    public const int IdentifierMaxLength = 14;

    public static bool IsSupportedNamespace(string? ns) => ns is Namespace2006 or Namespace2005;
}
