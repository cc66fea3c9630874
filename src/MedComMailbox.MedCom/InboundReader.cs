using MedComMailbox.MedCom.Envelopes;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Fhir.Profiles;

namespace MedComMailbox.MedCom;

/// <summary>
/// Reads whatever the VANS provider or a test tool delivers: a VANS envelope, a bare FHIR message (JSON or
/// XML) or a legacy OIOXML letter. Never throws on bad input: every problem is a <see cref="MedComIssue"/>,
/// and whatever could be read is in the summary so a negative acknowledgement can be addressed.
/// A FHIR message that passes our receiver rules is then validated against MedCom's published profiles
/// (<see cref="MedComProfileValidator"/>, unless <paramref name="validateProfiles"/> is false): our rules come first
/// because they give the precise MedCom error code; the profiles catch what our rules do not state.
/// </summary>
public sealed partial class InboundReader(IReadOnlyCollection<MailboxIdentity>? mailboxes = null, IEnvelopeCodec? envelope = null, bool validateProfiles = true) : IInboundMessageReader
{
    private readonly MedComValidationContext _context = new(mailboxes?.Select(m => m.Gln).ToHashSet(StringComparer.Ordinal));
    private readonly IEnvelopeCodec _envelope = envelope ?? new VansEnvelopeCodec();

    public InboundReadResult Read(ReadOnlyMemory<byte> body, string? contentType)
    {
        if (body.IsEmpty || body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Failed(body, MedComSyntax.Unknown, MedComErrors.BodyEmpty.At());
        }

        try
        {
            return ReadBody(body, contentType, envelope: null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The readers below are written not to throw; this is the last line that keeps a hostile body
            // from ever becoming a crash or a lost message. The type name is safe to show; the message may not be.
            return Failed(body, MedComSyntax.Unknown, MedComErrors.SyntaxInvalid.At(detail: ex.GetType().Name));
        }
    }

    private InboundReadResult ReadBody(ReadOnlyMemory<byte> body, string? contentType, EnvelopeReadResult? envelope)
    {
        // The envelope is asked first: a root-name sniff can be fooled by a comment that mentions another root.
        if (envelope is null && DeclaredSyntax(contentType) == MedComSyntax.Unknown && _envelope.CanUnwrap(body.Span))
        {
            return ReadEnvelope(body);
        }

        var syntax = SyntaxOf(body.Span, contentType);
        var result = syntax switch
        {
            MedComSyntax.FhirJson => ReadFhir(body, FhirCodec.ParseJson(body.Span), syntax),
            MedComSyntax.FhirXml => ReadFhir(body, FhirCodec.ParseXml(body), syntax),
            MedComSyntax.OioXml => ReadOioXml(body),
            _ => Failed(body, MedComSyntax.Unknown, UnknownFormat(body.Span)),
        };

        return envelope is null ? result : result with
        {
            Summary = result.Summary with { EnvelopeId = result.Summary.Syntax == MedComSyntax.OioXml ? result.Summary.EnvelopeId : envelope.EnvelopeId },
            Issues = [.. envelope.Issues, .. result.Issues],
        };
    }

    private InboundReadResult ReadEnvelope(ReadOnlyMemory<byte> body)
    {
        var envelope = _envelope.Unwrap(body);
        if (envelope.Issues.Any(i => i.IsBlocking) || envelope.Payload.IsEmpty)
        {
            var issues = envelope.Issues.Count > 0 ? envelope.Issues : [MedComErrors.EnvelopeInvalid.At("Data")];
            return new InboundReadResult(
                new InboundMessageSummary { EnvelopeId = envelope.EnvelopeId, SenderGln = envelope.SenderId, ReceiverGln = envelope.ReceiverId },
                issues,
                body,
                null);
        }

        var inner = envelope.MimeType switch
        {
            ContentSniffer.FhirJson or ContentSniffer.FhirXml => envelope.MimeType,
            _ => null,
        };
        return ReadBody(envelope.Payload, inner, envelope);
    }

    private InboundReadResult ReadFhir(ReadOnlyMemory<byte> body, FhirParseResult parsed, MedComSyntax syntax)
    {
        if (parsed.Resource is null)
        {
            return new InboundReadResult(new InboundMessageSummary { Syntax = syntax }, parsed.Issues, body, null);
        }

        if (parsed.Resource is not Hl7.Fhir.Model.Bundle bundle)
        {
            return new InboundReadResult(new InboundMessageSummary { Syntax = syntax }, [.. parsed.Issues, MedComErrors.NotABundle.At(detail: parsed.Resource.TypeName)], body, null);
        }

        var message = MedComFhirReader.Read(bundle);
        var issues = parsed.Issues.Concat(MedComFhirValidator.Validate(message, _context)).ToList();
        if (validateProfiles && !issues.Any(i => i.IsBlocking))
        {
            issues.AddRange(MedComProfileValidator.Shared.Validate(bundle, message.Kind));
        }

        return new InboundReadResult(Summarise(message, syntax), issues, body, message);
    }

    internal static InboundMessageSummary Summarise(MedComFhirMessage message, MedComSyntax syntax)
    {
        var content = message.CareCommunication;
        return new InboundMessageSummary
        {
            Kind = message.Kind,
            Syntax = syntax,
            MessageId = message.HeaderId,
            BundleId = message.BundleId,
            SenderGln = message.Sender?.Gln,
            SenderSor = message.Sender?.SorId,
            SenderName = message.Sender?.Name,
            SenderEndpoint = message.SourceEndpoint,
            ReceiverGln = message.Receiver?.Gln,
            ReceiverSor = message.Receiver?.SorId,
            ReceiverName = message.Receiver?.Name,
            PatientCpr = message.Patient?.Identifier,
            PatientName = message.Patient?.DisplayName,
            Category = content?.Category,
            Topic = content?.Topic,
            Priority = content?.Priority,
            CommunicationId = content?.CommunicationId,
            PredecessorReference = message.Predecessor,
            Activity = message.Activity,
            AcknowledgedMessageId = message.Acknowledgement?.ResponseIdentifier,
            AcknowledgementCode = message.Acknowledgement?.Code,
            SentAt = message.Timestamp,
        };
    }

    /// <summary>The FHIR syntax a content type names; Unknown for plain XML or none (those are sniffed).</summary>
    private static MedComSyntax DeclaredSyntax(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        ContentSniffer.FhirJson or "application/json" => MedComSyntax.FhirJson,
        ContentSniffer.FhirXml => MedComSyntax.FhirXml,
        _ => MedComSyntax.Unknown,
    };

    private static MedComSyntax SyntaxOf(ReadOnlySpan<byte> body, string? contentType)
    {
        var declared = DeclaredSyntax(contentType);
        if (declared != MedComSyntax.Unknown)
        {
            return declared;
        }

        var sniffed = ContentSniffer.DetectContentType(body);
        if (sniffed == ContentSniffer.FhirJson)
        {
            return MedComSyntax.FhirJson;
        }

        if (sniffed == ContentSniffer.FhirXml)
        {
            return MedComSyntax.FhirXml;
        }

        return ContentSniffer.RootElementName(body) is "Emessage" ? MedComSyntax.OioXml : MedComSyntax.Unknown;
    }

    private static MedComIssue UnknownFormat(ReadOnlySpan<byte> body)
    {
        var head = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 2048)]);
        return head.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || head.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase)
            ? MedComErrors.XmlDtdForbidden.At()
            : head.TrimStart('\uFEFF').TrimStart().StartsWith('<')
                ? MedComErrors.FormatUnknown.At(detail: ContentSniffer.RootElementName(body))
                : MedComErrors.SyntaxInvalid.At();
    }

    private static InboundReadResult Failed(ReadOnlyMemory<byte> body, MedComSyntax syntax, MedComIssue issue) =>
        new(new InboundMessageSummary { Syntax = syntax }, [issue], body, null);
}
