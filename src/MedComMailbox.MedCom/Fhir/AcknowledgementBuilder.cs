using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;
using static MedComMailbox.MedCom.Fhir.FhirParts;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>
/// Builds the MedCom acknowledgement (Acknowledgement IG 2.0) of a received message: our MessageHeader with
/// <c>response</c>, both Organizations, the original message's latest Provenance, a new Provenance
/// (activity <c>acknowledgement</c>, revision → the original MessageHeader) and, unless ok, an OperationOutcome.
/// </summary>
public static class AcknowledgementBuilder
{
    private const string OperationOutcomeProfile = AcknowledgementProfiles + "medcom-acknowledgement-operationoutcome";

    /// <summary>True when the message carries enough (header id, sender with GLN/SOR, source endpoint) to be answered.</summary>
    public static bool CanAcknowledge(MedComFhirMessage original) =>
        original.HeaderId is not null && original.Sender is { Gln: not null, SorId: not null } && original.Kind != MedComMessageKind.Acknowledgement;

    public static Bundle Build(
        MedComFhirMessage original,
        AcknowledgementOutcome outcome,
        IReadOnlyList<MedComIssue> issues,
        MailboxIdentity us,
        DateTimeOffset now,
        Func<Guid>? newId = null)
    {
        if (!CanAcknowledge(original))
        {
            throw new InvalidOperationException("The message cannot be acknowledged: it has no MessageHeader id or no addressable sender, or it is itself an acknowledgement.");
        }

        newId ??= Guid.NewGuid;
        var them = original.Sender!;
        var receiver = Organization(them.ResourceId ?? Id(newId()), them.Gln!, them.SorId!, them.Name);
        var ourId = original.Receiver is { Gln: { } g, ResourceId: { } rid } && g == us.Gln && rid != receiver.Id ? rid : Id(newId());
        var sender = Organization(ourId, us.Gln, us.SorId, us.Name);

        var header = new MessageHeader
        {
            Id = Id(newId()),
            Event = new Coding(MedComTerminology.EventSystem, MedComFhirMessage.AcknowledgementEvent),
            Destination = [PrimaryDestination(original.SourceEndpoint ?? MedComIdentifiers.SorEndpoint(them.SorId!), receiver)],
            Sender = Ref(sender),
            Source = new MessageHeader.MessageSourceComponent { Endpoint = MedComIdentifiers.SorEndpoint(us.SorId) },
            Response = new MessageHeader.ResponseComponent
            {
                Identifier = original.HeaderId,
                Code = outcome switch
                {
                    AcknowledgementOutcome.Ok => MessageHeader.ResponseType.Ok,
                    AcknowledgementOutcome.TransientError => MessageHeader.ResponseType.TransientError,
                    _ => MessageHeader.ResponseType.FatalError,
                },
            },
        }.WithProfile(AcknowledgementProfiles + "medcom-messaging-acknowledgementHeader");

        var bundle = new Bundle { Id = Id(newId()), Type = Bundle.BundleType.Message, Timestamp = now }
            .WithProfile(AcknowledgementProfiles + "medcom-messaging-acknowledgement");
        bundle.Add(AcknowledgementBase, header);

        // The original's latest Provenance travels with the acknowledgement so the sender can match it.
        if (original.Bundle.Entry.Select(e => e.Resource).OfType<Provenance>().LastOrDefault(p => p.Id == original.LatestProvenance?.Id) is { } latest)
        {
            var copy = (Provenance)latest.DeepCopy();
            copy.Meta = new Meta { Profile = [MessagingProfiles + "medcom-messaging-provenance"] };
            copy.Entity.Clear();
            bundle.Add(AcknowledgementBase, copy);
        }

        var provenance = Provenance(Id(newId()), MessagingProfiles + "medcom-messaging-provenance", header, "acknowledgement", now, sender);
        provenance.Entity.Add(Revision($"MessageHeader/{original.HeaderId}"));
        bundle.Add(AcknowledgementBase, provenance);
        bundle.Add(AcknowledgementBase, sender);
        bundle.Add(AcknowledgementBase, receiver);

        if (outcome != AcknowledgementOutcome.Ok)
        {
            var operationOutcome = OperationOutcome(Id(newId()), outcome, issues);
            header.Response!.Details = Ref(operationOutcome);
            bundle.Add(AcknowledgementBase, operationOutcome);
        }

        return bundle;
    }

    private static OperationOutcome OperationOutcome(string id, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues)
    {
        var blocking = issues.Where(i => i.IsBlocking).ToList();
        if (blocking.Count == 0)
        {
            blocking = outcome == AcknowledgementOutcome.TransientError
                ? [new MedComIssue("transient", MedComIssueSeverity.Error, "Midlertidig teknisk fejl hos modtageren; beskeden behandles, når fejlen er rettet", "Temporary technical fault at the receiver; the message will be processed once it is fixed")]
                : [new MedComIssue("unspecified", MedComIssueSeverity.Error, "Beskeden blev afvist", "The message was rejected")];
        }

        var result = new OperationOutcome { Id = id }.WithProfile(OperationOutcomeProfile);
        foreach (var issue in blocking)
        {
            var ackCode = MedComErrors.Find(issue.Code)?.AckCode
                ?? (outcome == AcknowledgementOutcome.TransientError ? MedComErrors.AckCodes.OutOfOperation : MedComErrors.AckCodes.DatatypeWrong);
            result.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = issue.Severity == MedComIssueSeverity.Fatal ? Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Fatal : Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error,
                Code = outcome == AcknowledgementOutcome.TransientError ? Hl7.Fhir.Model.OperationOutcome.IssueType.Transient : IssueType(ackCode),
                Details = new CodeableConcept(MedComErrors.AckCodes.System, ackCode) { Text = $"{issue.TextDa} / {issue.TextEn}" },
                Diagnostics = issue.Code,
                Expression = issue.Location is null ? [] : [issue.Location],
            });
        }

        return result;
    }

    private static OperationOutcome.IssueType IssueType(string ackCode) => ackCode switch
    {
        MedComErrors.AckCodes.ValueSetUnknown or MedComErrors.AckCodes.CodeSystemUnknown => Hl7.Fhir.Model.OperationOutcome.IssueType.CodeInvalid,
        MedComErrors.AckCodes.TooLong => Hl7.Fhir.Model.OperationOutcome.IssueType.TooLong,
        MedComErrors.AckCodes.ReceiverUnknown or MedComErrors.AckCodes.ReceiverMissing => Hl7.Fhir.Model.OperationOutcome.IssueType.NotFound,
        MedComErrors.AckCodes.TypeUnsupported => Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
        _ => Hl7.Fhir.Model.OperationOutcome.IssueType.Structure,
    };
}
