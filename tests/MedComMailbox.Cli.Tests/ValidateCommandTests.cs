using System.Text.Json;

using MedComMailbox.Tests;

namespace MedComMailbox.Cli.Tests;

public sealed class ValidateCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Valid_referral_exits_zero_and_says_valid()
    {
        var (exit, output, _) = await Run("validate", RepoPaths.Sample("carecommunication", "gp-referral-child.json"));

        Assert.Equal(0, exit);
        Assert.Contains("VALID", output);
        Assert.DoesNotContain("INVALID", output);
    }

    [Fact]
    public async Task Every_invalid_sample_exits_one_and_names_its_error_code()
    {
        var files = Directory.GetFiles(RepoPaths.Sample("invalid")).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);

        foreach (var file in files)
        {
            var (exit, output, _) = await Run("validate", file, "--mailbox", "5790000991006", "--mailbox", "5790000991013");
            var expectedCode = Path.GetFileNameWithoutExtension(file);
            Assert.True(exit == 1, $"{Path.GetFileName(file)} exited {exit}: {output}");
            Assert.Contains(expectedCode, output);
        }
    }

    [Fact]
    public async Task Json_output_carries_verdict_and_errors()
    {
        var file = Directory.GetFiles(RepoPaths.Sample("invalid")).First(f => !f.EndsWith(".md", StringComparison.Ordinal));

        var (exit, output, _) = await Run("validate", file, "--json", "--mailbox", "5790000991006");

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var codes = doc.RootElement.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
        Assert.Contains(Path.GetFileNameWithoutExtension(file), codes);
    }

    [Fact]
    public async Task Output_never_contains_the_patients_cpr()
    {
        var sample = RepoPaths.Sample("carecommunication", "gp-referral-child.json");
        var cpr = JsonDocument.Parse(File.ReadAllText(sample)).RootElement.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource"))
            .First(r => r.GetProperty("resourceType").GetString() == "Patient")
            .GetProperty("identifier")[0].GetProperty("value").GetString()!;

        var (_, text, _) = await Run("validate", sample);
        var (_, json, _) = await Run("validate", sample, "--json");

        Assert.DoesNotContain(cpr, text);
        Assert.DoesNotContain(cpr, json);
    }

    [Fact]
    public async Task Missing_file_exits_two()
    {
        var (exit, _, error) = await Run("validate", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json"));

        Assert.Equal(2, exit);
        Assert.Contains("not found", error);
    }

    [Fact]
    public async Task Unknown_command_exits_two()
    {
        var (exit, _, _) = await Run("frobnicate");

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Garbage_file_is_invalid_not_a_crash()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".bin");
        await File.WriteAllBytesAsync(path, [0xFF, 0xFE, 0x00, 0x41, 0x7B]);
        try
        {
            var (exit, output, _) = await Run("validate", path);
            Assert.Equal(1, exit);
            Assert.Contains("INVALID", output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
