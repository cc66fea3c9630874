namespace MedComMailbox.MedCom.Fhir;

/// <summary>The acknowledgement's own rules: a response with a code, and an outcome on anything but ok.</summary>
internal static class AcknowledgementRules
{
    internal static void CheckAcknowledgement(MedComFhirMessage message, List<MedComIssue> issues)
    {
        var ack = message.Acknowledgement;
        if (ack?.ResponseIdentifier is null || ack.Code is null)
        {
            issues.Add(MedComErrors.AckResponseMissing.At("MessageHeader.response"));
            return;
        }

        // response.code outside ok/transient-error/fatal-error (say a legacy AA) is already refused by the strict parse.
        if (ack.Code != "ok" && ack.Issues.Count == 0)
        {
            issues.Add(MedComErrors.AckOutcomeMissing.At("MessageHeader.response.details"));
        }
    }
}
