
namespace MedComMailbox.Workflow.Referrals;

/// <summary>How citizens reach the committee, who signs the GP replies, and the SMTP server of the hand-over e-mail; each validated here.</summary>
public sealed partial class WorkflowOptions
{
    private IEnumerable<string> ContactProblems()
    {
        if (string.IsNullOrWhiteSpace(Signature.GivenName) || string.IsNullOrWhiteSpace(Signature.FamilyName))
        {
            yield return "Workflow:Signature:GivenName and FamilyName are required: MedCom replies to the GP need a named author.";
        }

        if (Signature.Phone is not { Length: 8 } phone || !phone.All(char.IsAsciiDigit))
        {
            yield return $"Workflow:Signature:Phone '{Signature.Phone}' must be a Danish phone number of 8 digits: the GP calls it about the reply.";
        }

        if (Contact.Phone is not { Length: 8 } contactPhone || !contactPhone.All(char.IsAsciiDigit))
        {
            yield return $"Workflow:Contact:Phone '{Contact.Phone}' must be a Danish phone number of 8 digits: citizens call it about their case.";
        }

        if (string.IsNullOrWhiteSpace(Contact.Email) || !System.Net.Mail.MailAddress.TryCreate(Contact.Email, out _))
        {
            yield return $"Workflow:Contact:Email '{Contact.Email}' must be an e-mail address: citizens write to it about their case.";
        }
    }

    private IEnumerable<string> EmailProblems()
    {
        if (Email.Host is { Length: > 0 })
        {
            if (string.IsNullOrWhiteSpace(Email.From) || !System.Net.Mail.MailAddress.TryCreate(Email.From, out _))
            {
                yield return $"Workflow:Email:From '{Email.From}' must be an e-mail address: the sender of the hand-over notifications.";
            }

            if (Email.Port is < 1 or > 65535)
            {
                yield return $"Workflow:Email:Port {Email.Port} must be a port number (587 for STARTTLS, 465 for TLS).";
            }
        }
    }

    public sealed class ContactOptions
    {
        /// <summary>The committee's phone number for citizens (8 digits).</summary>
        public string Phone { get; set; } = "70000000";

        /// <summary>The committee's e-mail address for citizens (the pages ask them not to write CPR numbers or health details in plain e-mail).</summary>
        public string Email { get; set; } = "koordinationsudvalget@kommune.invalid";
    }

    public sealed class SignatureOptions
    {
        public string GivenName { get; set; } = "Koordinationsudvalget";
        public string FamilyName { get; set; } = "Eksempel Kommune";
        public string Phone { get; set; } = "70000000";
    }

    /// <summary>
    /// The SMTP server the hand-over notifications to responsible parties go through (<c>Workflow:Email</c>). Required
    /// outside Development when a responsible party has an <c>Email</c> (the production checklist).
    /// </summary>
    public sealed class EmailOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>True: STARTTLS (or TLS on port 465) is required; false only for a local relay or a test server.</summary>
        public bool UseTls { get; set; } = true;
        public string? UserName { get; set; }
        public string? Password { get; set; }
        /// <summary>The sender address of the notifications, e.g. koordinationsudvalget@kommune.dk.</summary>
        public string? From { get; set; }
    }
}
