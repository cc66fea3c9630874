namespace MedComMailbox.Workflow.Statistics;

/// <summary>
/// Which way a referral came, read from the sending organisation's name (MedCom's Organization.name / OIOXML
/// OrganisationName, kept on the case as the GP name). MedCom messages carry no machine-readable sender type, and the
/// SOR register that has one is not consulted, so the name decides, in this order: a school, the school health service
/// (sundhedspleje) or PPR is <see cref="School"/>; a hospital, a department (afdeling), a psychiatric unit or a region
/// is <see cref="Hospital"/>; a name with "læge" (Lægerne i …, Lægehuset, Lægeklinikken) or "praksis" is
/// <see cref="GeneralPractitioner"/>; anything else is <see cref="Other"/>.
/// </summary>
public static class ReferralRoutes
{
    public const string GeneralPractitioner = "Egen læge (almen praksis)";
    public const string School = "Skole, sundhedspleje eller PPR";
    public const string Hospital = "Hospital eller psykiatri";
    public const string Other = "Anden eller ukendt afsender";

    public static readonly IReadOnlyList<string> All = [GeneralPractitioner, School, Hospital, Other];

    private static readonly string[] SchoolWords = ["skole", "sundhedspleje", "ppr", "pædagogisk psykologisk"];
    private static readonly string[] HospitalWords = ["hospital", "sygehus", "afdeling", "psykiatri", "region"];
    private static readonly string[] GpWords = ["læge", "praksis"];

    public static string Classify(string? senderName)
    {
        var name = (senderName ?? "").ToLowerInvariant();
        if (name.Length == 0)
        {
            return Other;
        }

        if (SchoolWords.Any(w => Contains(name, w)))
        {
            return School;
        }

        if (HospitalWords.Any(w => Contains(name, w)))
        {
            return Hospital;
        }

        return GpWords.Any(w => Contains(name, w)) ? GeneralPractitioner : Other;
    }

    // "ppr" must be a word of its own ("PPR Nord"), not letters inside another word.
    private static bool Contains(string name, string word) =>
        word.Length > 3 ? name.Contains(word, StringComparison.Ordinal) : name.Split([' ', ',', '-', '.', '/'], StringSplitOptions.RemoveEmptyEntries).Contains(word, StringComparer.Ordinal);
}
