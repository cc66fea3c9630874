using System.Security.Cryptography;
using System.Text;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The letters a committee decision would send, as the committee reads them before sending, and a fingerprint of them:
/// the page carries the fingerprint to the send, which records nothing if the letters changed in between (an edited
/// template, a changed party).
/// </summary>
public sealed record DecisionPreview(IReadOnlyList<RenderedLetter> Letters, string Fingerprint)
{
    /// <summary>SHA-256 over every letter's channel, addressee, title and text, in order (hex; no text leaves the server in it).</summary>
    public static string FingerprintOf(IReadOnlyList<RenderedLetter> letters)
    {
        var all = new StringBuilder();
        foreach (var letter in letters)
        {
            all.Append(letter.Channel).Append('\u001f').Append(letter.Kind).Append('\u001f').Append(letter.RecipientName).Append('\u001f')
                .Append(letter.Role).Append('\u001f').Append(letter.Title).Append('\u001f').Append(letter.Text).Append('\u001e');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())));
    }
}
