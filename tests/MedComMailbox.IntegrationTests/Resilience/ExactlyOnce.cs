using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// The end state every resilience test asks for: each message sent is stored once, consumed once (one ledger row,
/// one inbox item), every outbox row sent, and answered with at least one ok acknowledgement file.
/// </summary>
internal static class ExactlyOnce
{
    /// <summary>True once every message is consumed, the outbox is empty and each has an ack file.</summary>
    public static bool Settled(MailboxState? state, IReadOnlyDictionary<string, List<string>> acks, IReadOnlyCollection<TestMessage> messages) =>
        state is not null
        && state.Consumed.Count >= messages.Count
        && state.PendingOutbox == 0
        && messages.All(m => acks.ContainsKey(m.HeaderId));

    /// <summary>Waits until settled (or the timeout) and then asserts; returns how long the wait took.</summary>
    public static async Task<TimeSpan> WaitAndAssertAsync(MailboxDb db, AckFolder acks, IReadOnlyCollection<TestMessage> messages, TimeSpan timeout, ITestOutputHelper output, string? logFiles = null)
    {
        var clock = Stopwatch.StartNew();
        var settled = await Poll.UntilAsync(async () => Settled(await db.TryReadAsync(), acks.Refresh(), messages), timeout, 500);
        var waited = clock.Elapsed;
        var state = await db.ReadAsync();
        var answered = acks.Refresh();
        var summary = Describe(state, answered, messages);
        output.WriteLine($"settled={settled} after {waited.TotalSeconds:0.0} s: {summary}");
        if (!settled)
        {
            Assert.Fail($"Not settled within {timeout}: {summary}. Pending outbox: {await db.PendingOutboxAsync()}. Logs: {logFiles}");
        }

        AssertState(state, answered, messages);
        return waited;
    }

    public static void AssertState(MailboxState state, IReadOnlyDictionary<string, List<string>> acks, IReadOnlyCollection<TestMessage> messages)
    {
        var expected = messages.Select(m => m.HeaderId).ToHashSet(StringComparer.Ordinal);

        // Stored once: one inbound row per header id, nothing else.
        var perHeader = state.Inbound.GroupBy(r => r.HeaderId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(messages.Count, state.Inbound.Count);
        Assert.Empty(perHeader.Where(p => p.Value != 1).Select(p => $"{p.Key} stored {p.Value} times"));
        Assert.True(expected.SetEquals(perHeader.Keys), "The stored header ids differ from those sent.");

        // Consumed once: a ledger row and exactly one inbox item per stored message, and no stray items.
        Assert.Empty(state.Inbound.Where(r => !state.Consumed.ContainsKey(r.Id)).Select(r => $"{r.HeaderId} not consumed"));
        Assert.Empty(state.Inbound.Select(r => (r.HeaderId, Items: state.InboxItems.GetValueOrDefault(r.Id))).Where(r => r.Items != 1).Select(r => $"{r.HeaderId} has {r.Items} inbox items"));
        Assert.Equal(messages.Count, state.InboxItems.Values.Sum());
        Assert.Equal(messages.Count, state.Consumed.Count);
        Assert.Equal(0, state.Unrouted);

        // Every outbox row sent; every message answered ok at least once, and never with anything but ok.
        Assert.Equal(0, state.PendingOutbox);
        Assert.Empty(expected.Where(id => !acks.TryGetValue(id, out var codes) || !codes.Contains("ok")).Select(id => $"{id} has no ok acknowledgement file"));
        Assert.Empty(acks.Where(a => expected.Contains(a.Key) && a.Value.Any(c => c != "ok")).Select(a => $"{a.Key} answered {string.Join(',', a.Value)}"));
    }

    public static string Describe(MailboxState state, IReadOnlyDictionary<string, List<string>> acks, IReadOnlyCollection<TestMessage> messages)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"sent={messages.Count} stored={state.Inbound.Count} distinctStored={state.Inbound.Select(r => r.HeaderId).Distinct(StringComparer.Ordinal).Count()} ");
        text.Append(CultureInfo.InvariantCulture, $"consumed={state.Consumed.Count} inboxItems={state.InboxItems.Values.Sum()} maxItemsPerMessage={(state.InboxItems.Count == 0 ? 0 : state.InboxItems.Values.Max())} ");
        text.Append(CultureInfo.InvariantCulture, $"unrouted={state.Unrouted} outboxRows={state.OutboxRows} pendingOutbox={state.PendingOutbox} ");
        text.Append(CultureInfo.InvariantCulture, $"answered={messages.Count(m => acks.ContainsKey(m.HeaderId))} ackFiles={acks.Values.Sum(v => v.Count)}");
        return text.ToString();
    }
}
