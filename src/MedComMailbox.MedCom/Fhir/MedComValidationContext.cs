namespace MedComMailbox.MedCom.Fhir;

/// <summary>What the validator needs to know about the receiving side. Null receivers: addressing is checked for form only.</summary>
public sealed record MedComValidationContext(IReadOnlyCollection<string>? OurGlns = null)
{
    public static MedComValidationContext None { get; } = new();
}
