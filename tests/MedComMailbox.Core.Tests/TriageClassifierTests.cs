using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Core.Tests;

public sealed class TriageClassifierTests
{
    private const string Child = "0101124123";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static TriageInput Message(string kind = "CareCommunication", string? category = "regarding-referral", string? topic = null, string? thread = "urn:uuid:t1", string? cpr = Child) =>
        new(Guid.NewGuid(), kind, category, topic, cpr, thread, "5790000000029", "5790000000012", Now);

    [Fact]
    public void Referral_category_opens_a_case() =>
        Assert.Equal(TriageRoute.NewReferral, TriageClassifier.Classify(Message(), [], TriageRules.Default).Route);

    [Fact]
    public void Other_category_with_a_referral_topic_opens_a_case() =>
        Assert.Equal(TriageRoute.NewReferral, TriageClassifier.Classify(Message(category: "other", topic: "Henvisning til koordinationsudvalget"), [], TriageRules.Default).Route);

    [Fact]
    public void Ordinary_correspondence_stays_in_the_inbox() =>
        Assert.Equal(TriageRoute.OtherCorrespondence, TriageClassifier.Classify(Message(category: "examination-results"), [], TriageRules.Default).Route);

    [Fact]
    public void Reply_in_a_known_thread_joins_its_case()
    {
        var caseId = Guid.NewGuid();
        var decision = TriageClassifier.Classify(Message(category: "other", topic: "svar"), [new CaseRef(caseId, "0202024123", new HashSet<string> { "urn:uuid:t1" }, true, null)], TriageRules.Default);

        Assert.Equal((TriageRoute.ExistingCase, caseId), (decision.Route, decision.LinkedCaseId));
    }

    [Fact]
    public void Re_referral_of_a_child_with_an_open_case_is_attached_not_duplicated()
    {
        var caseId = Guid.NewGuid();
        var decision = TriageClassifier.Classify(Message(thread: "urn:uuid:new"), [new CaseRef(caseId, Child, new HashSet<string>(), true, null)], TriageRules.Default);

        Assert.Equal((TriageRoute.ExistingCase, caseId), (decision.Route, decision.LinkedCaseId));
    }

    [Fact]
    public void Re_referral_after_a_recently_closed_case_opens_a_linked_case()
    {
        var old = Guid.NewGuid();
        var decision = TriageClassifier.Classify(Message(thread: "urn:uuid:new"), [new CaseRef(old, Child, new HashSet<string>(), false, Now.AddDays(-30))], TriageRules.Default);

        Assert.Equal((TriageRoute.NewReferral, old), (decision.Route, decision.LinkedCaseId));
    }

    [Fact]
    public void An_old_closed_case_is_not_linked()
    {
        var decision = TriageClassifier.Classify(Message(thread: "urn:uuid:new"), [new CaseRef(Guid.NewGuid(), Child, new HashSet<string>(), false, Now.AddDays(-200))], TriageRules.Default);

        Assert.Equal((TriageRoute.NewReferral, (Guid?)null), (decision.Route, decision.LinkedCaseId));
    }

    [Fact]
    public void Oioxml_letter_routed_by_receiver_rule()
    {
        var rules = TriageRules.Default with { OioXmlReferralReceivers = new HashSet<string> { "5790000000012" } };

        Assert.Equal(TriageRoute.NewReferral, TriageClassifier.Classify(Message(kind: "OioXmlLetter", category: "XDIS91"), [], rules).Route);
        Assert.Equal(TriageRoute.OtherCorrespondence, TriageClassifier.Classify(Message(kind: "OioXmlLetter", category: "XDIS91"), [], TriageRules.Default).Route);
    }

    [Fact]
    public void Acknowledgements_never_open_cases() =>
        Assert.Equal(TriageRoute.OtherCorrespondence, TriageClassifier.Classify(Message(kind: "Acknowledgement"), [], TriageRules.Default).Route);
}
