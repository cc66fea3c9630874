namespace MedComMailbox.Core.Referrals;

/// <summary>The committee's decision.</summary>
public sealed record CommitteeDecision(string Outcome, string ResponsibleParty, string Summary, DateTimeOffset DecidedAt);
