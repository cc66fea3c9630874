
namespace MedComMailbox.Workflow.Referrals;

/// <summary>The child's course after the decision (<c>Workflow:Course</c>): deadlines and the responsible parties, with their validation.</summary>
public sealed partial class WorkflowOptions
{
    private IEnumerable<string> CourseProblems()
    {
        foreach (var (name, value, max) in new[]
        {
            ("StartWithin", Course.StartWithin, 180), ("FollowUpWithin", Course.FollowUpWithin, 180), ("PlanNextWithin", Course.PlanNextWithin, 180),
        })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(max))
            {
                yield return $"Workflow:Course:{name} {value} must be more than 0 and at most {max} days.";
            }
        }

        if (Course.ReminderBefore < TimeSpan.Zero || Course.ReminderBefore >= Course.StartWithin)
        {
            yield return $"Workflow:Course:ReminderBefore {Course.ReminderBefore} must be at least 0 and shorter than Workflow:Course:StartWithin.";
        }

        if (Course.ResponsibleParties.Count == 0)
        {
            yield return "Workflow:Course:ResponsibleParties is empty: the committee must be able to name a responsible party.";
        }

        for (var i = 0; i < Course.ResponsibleParties.Count; i++)
        {
            var party = Course.ResponsibleParties[i];
            if (string.IsNullOrWhiteSpace(party.Name))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Name is missing.";
            }

            if (party.Gln is { Length: > 0 } gln && !MedCom.Identifiers.MedComIdentifiers.IsValidGln(gln))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Gln '{gln}' is not a location number: 13 digits ending in the GS1 check digit.";
            }

            if (party.Gln is { Length: > 0 } && (party.SorId is not { Length: >= 6 and <= 20 } sor || !sor.All(char.IsAsciiDigit)))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:SorId '{party.SorId}' must be the unit's SOR id (6–20 digits): the MedCom hand-over to its Gln needs it.";
            }

            if (party.Email is { Length: > 0 } email && !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Email '{email}' is not an e-mail address.";
            }
        }
    }

    public sealed class CourseOptions
    {
        /// <summary>The start meeting is held within this time of the decision (the pilot: 4 weeks).</summary>
        public TimeSpan StartWithin { get; set; } = TimeSpan.FromDays(28);
        /// <summary>The first follow-up meeting is held within this time of the start meeting (the pilot: 6 weeks).</summary>
        public TimeSpan FollowUpWithin { get; set; } = TimeSpan.FromDays(42);
        /// <summary>The responsible party is reminded this long before a deadline.</summary>
        public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromDays(7);
        /// <summary>After a follow-up the next meeting must be planned within this time, or the course goes back to the committee.</summary>
        public TimeSpan PlanNextWithin { get; set; } = TimeSpan.FromDays(14);
        /// <summary>The units the committee can hand a course to, with a contact and where the hand-over goes.</summary>
        public List<ResponsiblePartyOptions> ResponsibleParties { get; set; } =
        [
            new() { Name = "Skolen", Contact = "Skolens ledelse" },
            new() { Name = "PPR", Contact = "PPR's sekretariat" },
            new() { Name = "Sundhedsplejen", Contact = "Sundhedsplejens leder" },
            new() { Name = "Familierådgivningen", Contact = "Familierådgivningens visitation" },
        ];
    }

    public sealed class ResponsiblePartyOptions
    {
        public string Name { get; set; } = "";
        /// <summary>Who to contact there (name, title or phone), shown on the case.</summary>
        public string? Contact { get; set; }
        /// <summary>Hand-over by MedCom: the unit's location number (a CareCommunication with the decision goes there).</summary>
        public string? Gln { get; set; }
        /// <summary>With <see cref="Gln"/>: the unit's SOR id, the receiver endpoint of the MedCom message.</summary>
        public string? SorId { get; set; }
        /// <summary>Hand-over by secure e-mail notification (a link to the case, no personal data in the mail).</summary>
        public string? Email { get; set; }
    }
}
