namespace MedComMailbox.Tests;

/// <summary>
/// Finds the repository root (the folder holding MedComMailbox.sln) from a test's output folder, and the
/// MedCom reference material in ../shared/medcom beside the clone (absent on some machines: tests skip then).
/// Linked into each test project that reads files.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "medcom-samples");

    public static string Sample(params string[] parts) => Path.Combine([Samples, .. parts]);

    /// <summary>../shared/medcom, or null when that folder is not beside the clone.</summary>
    public static string? SharedMedCom { get; } = Directory.Exists(Path.Combine(Root, "..", "shared", "medcom")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "medcom")) : null;

    public const string SharedMissing = "../shared/medcom is not beside the clone; MedCom's official files cannot be read on this machine.";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedComMailbox.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MedComMailbox.sln not found above " + AppContext.BaseDirectory);
    }
}
