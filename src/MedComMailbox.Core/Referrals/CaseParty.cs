namespace MedComMailbox.Core.Referrals;

/// <summary>A party to the case's consent. Protected-address holders are marked so their name or address never reaches the other holder.</summary>
public sealed record CaseParty(string PartyId, PartyRole Role, bool ProtectedAddress);

public enum PartyRole
{
    CustodyHolder,
    Child,
}
