using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedComMailbox.Tests;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>The repository's sample messages, and fresh copies of them with new ids.</summary>
internal static class Samples
{
    public const string ReferralHeaderId = "36fb0754-003c-40e5-81e4-2af1501270d3";
    public const string OurReplyHeaderId = "ae67de80-e4d8-47bf-9c10-c385bcc1e786";
    public const string GpReplyHeaderId = "cb0ec808-d593-4d4e-9fb8-5370bef45f88";
    public const string CoordinationGln = "5790000991006";
    public const string GpGln = "5790000882007";

    public static byte[] Read(string relative) => File.ReadAllBytes(RepoPaths.Sample(relative.Split('/')));

    public static byte[] Referral => Read("carecommunication/gp-referral-child.json");

    /// <summary>The referral with a new MessageHeader id (and, unless kept, a new Bundle id): a different message.</summary>
    public static (byte[] Body, string HeaderId) FreshReferral(bool keepBundleId = false)
    {
        var text = Encoding.UTF8.GetString(Referral);
        var header = Guid.NewGuid().ToString();
        text = text.Replace(ReferralHeaderId, header, StringComparison.Ordinal);
        if (!keepBundleId)
        {
            var bundleId = JsonNode.Parse(text)!["id"]!.GetValue<string>();
            var node = JsonNode.Parse(text)!;
            node["id"] = Guid.NewGuid().ToString();
            text = node.ToJsonString();
            Assert.DoesNotContain(bundleId, text, StringComparison.Ordinal);
        }

        return (Encoding.UTF8.GetBytes(text), header);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
