using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>
/// Writes MeMo 1.2 XML. The official MeMo library is not on our registry, so this is ours: the schema is a
/// <em>sequence</em> and Digital Post rejects a wrong element order, so the order below is the schema's order
/// (MessageHeader: messageType, messageUUID, label, reply?, replyByDateTime?, Sender, Recipient, ContentData?;
/// MessageBody: createdDateTime, MainDocument(File+, Action*)). It also refuses what production refuses
/// (non-https action URLs, file names with forbidden characters, CPR numbers in the label).
/// </summary>
public static partial class MemoSerializer
{
    public const string Namespace = "https://DigitalPost.dk/MeMo-1";
    public const string Version = "1.2";

    /// <param name="allowLoopbackHttp">The development stand-in only: consent links to http://localhost are accepted.</param>
    public static string Serialize(MemoLetter letter, bool allowLoopbackHttp = false)
    {
        Check(letter, allowLoopbackHttp);
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = true };
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, settings))
        {
            WriteMessage(w, letter);
        }

        return sb.ToString();
    }

    /// <summary>The <c>kombi_request</c> body for KombiPostAfsend.</summary>
    public static string KombiRequest(MemoLetter letter, KombiChoice choice)
    {
        Check(letter);
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, settings))
        {
            w.WriteStartElement("kombi_request");
            w.WriteElementString("KombiValgKode", choice switch
            {
                KombiChoice.DigitalPost => "Digital Post",
                KombiChoice.NemSms => "NemSMS",
                KombiChoice.PhysicalPost => "Fysisk Post",
                _ => "Automatisk Valg",
            });
            WriteMessage(w, letter);
            w.WriteEndElement();
        }

        return sb.ToString();
    }

    private static void WriteMessage(XmlWriter w, MemoLetter letter)
    {
        w.WriteStartElement("memo", "Message", Namespace);
        w.WriteAttributeString("memoVersion", Version);
        w.WriteAttributeString("memoSchVersion", "1.2.0");

        w.WriteStartElement("memo", "MessageHeader", Namespace);
        Element(w, "messageType", "DIGITALPOST");
        Element(w, "messageUUID", letter.MessageUuid.ToString());
        Element(w, "label", letter.Label);
        if (letter.ReplyBy is { } replyBy)
        {
            Element(w, "reply", "true");
            Element(w, "replyByDateTime", Timestamp(replyBy));
        }

        w.WriteStartElement("memo", "Sender", Namespace);
        Element(w, "senderID", letter.SenderCvr);
        Element(w, "idType", "CVR");
        Element(w, "label", letter.SenderLabel);
        w.WriteEndElement();

        w.WriteStartElement("memo", "Recipient", Namespace);
        Element(w, "recipientID", letter.RecipientCpr);
        Element(w, "idType", "CPR");
        w.WriteEndElement();

        if (letter.AboutCpr is not null)
        {
            w.WriteStartElement("memo", "ContentData", Namespace);
            w.WriteStartElement("memo", "CPRdata", Namespace);
            Element(w, "cprNumber", letter.AboutCpr);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement(); // MessageHeader

        w.WriteStartElement("memo", "MessageBody", Namespace);
        Element(w, "createdDateTime", Timestamp(letter.CreatedAt));
        w.WriteStartElement("memo", "MainDocument", Namespace);
        foreach (var file in letter.Files)
        {
            w.WriteStartElement("memo", "File", Namespace);
            Element(w, "encodingFormat", file.MediaType);
            Element(w, "filename", file.FileName);
            Element(w, "language", file.Language);
            w.WriteStartElement("memo", "content", Namespace);
            w.WriteBase64(file.Content.ToArray(), 0, file.Content.Length);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        foreach (var action in letter.Actions)
        {
            w.WriteStartElement("memo", "Action", Namespace);
            Element(w, "label", action.Label);
            Element(w, "actionCode", action.ActionCode);
            if (action.Start is { } start)
            {
                Element(w, "startDateTime", Timestamp(start));
            }

            if (action.End is { } end)
            {
                Element(w, "endDateTime", Timestamp(end));
            }

            w.WriteStartElement("memo", "EntryPoint", Namespace);
            Element(w, "url", action.Url.AbsoluteUri);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement(); // MainDocument
        w.WriteEndElement(); // MessageBody
        w.WriteEndElement(); // Message
    }

    private static void Element(XmlWriter w, string name, string value) => w.WriteElementString("memo", name, Namespace, value);

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Refuses a letter production would refuse, or one that would leak personal data into a notification.</summary>
    public static void Check(MemoLetter letter, bool allowLoopbackHttp = false)
    {
        if (letter.Files.Count == 0)
        {
            throw new MemoValidationException("a MeMo letter needs at least one file in its MainDocument");
        }

        if (string.IsNullOrWhiteSpace(letter.Label) || CprLike().IsMatch(letter.Label))
        {
            throw new MemoValidationException("the label is empty or looks like it contains a CPR number; labels are shown in notifications");
        }

        if (!IsDigits(letter.RecipientCpr, 10) || !IsDigits(letter.SenderCvr, 8) || (letter.AboutCpr is not null && !IsDigits(letter.AboutCpr, 10)))
        {
            throw new MemoValidationException("recipient must be a 10-digit CPR, sender an 8-digit CVR");
        }

        foreach (var file in letter.Files)
        {
            if (string.IsNullOrWhiteSpace(file.FileName) || ForbiddenFileName().IsMatch(file.FileName))
            {
                throw new MemoValidationException($"file name '{file.FileName}' contains characters Digital Post refuses");
            }
        }

        foreach (var action in letter.Actions)
        {
            var loopback = allowLoopbackHttp && action.Url.IsAbsoluteUri && action.Url.Scheme == Uri.UriSchemeHttp && action.Url.IsLoopback;
            if (!loopback && (!action.Url.IsAbsoluteUri || action.Url.Scheme != Uri.UriSchemeHttps))
            {
                throw new MemoValidationException("action URLs must be absolute https addresses");
            }

            if (!MemoAction.ActionCodes.Contains(action.ActionCode))
            {
                throw new MemoValidationException($"unknown action code '{action.ActionCode}'");
            }
        }
    }

    private static bool IsDigits(string value, int length) => value.Length == length && value.All(char.IsAsciiDigit);

    [GeneratedRegex(@"\d{6}-?\d{4}")]
    private static partial Regex CprLike();

    [GeneratedRegex(@"[<>:""/\\|?*\r\n\u00A0\u2000-\u200B\u202F\u205F\u3000]")]
    private static partial Regex ForbiddenFileName();
}

public sealed class MemoValidationException(string problem) : Exception($"MeMo letter refused: {problem}.");
