using System.Security.Claims;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Inbox;

namespace MedComMailbox.Web.Pages.Inbox;

public static class StaffActors
{
    /// <summary>The signed-in staff member as the inbox commands and queries see them: name and mailbox limits.</summary>
    public static StaffActor Actor(this ClaimsPrincipal user, AuthOptions options) => new(user.StaffName(), user.Mailboxes(options));
}
