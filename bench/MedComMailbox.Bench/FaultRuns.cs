namespace MedComMailbox.Bench;

internal static class FaultRuns
{
    public static Task<int> RunAsync(Options options) => Task.FromResult(options.Words.Count);
}
