using System.Globalization;

namespace MedComMailbox.Bench;

/// <summary>--name value pairs after the command words; unknown names stop the run with the usage text.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Options(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                Words.Add(list[i]);
                continue;
            }

            var name = list[i][2..];
            _values[name] = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : "true";
        }
    }

    public List<string> Words { get; } = [];

    public int Int(string name, int fallback) => _values.TryGetValue(Mark(name), out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(Mark(name), out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => _values.TryGetValue(Mark(name), out var v) ? v : fallback;

    public bool Flag(string name) => _values.TryGetValue(Mark(name), out var v) && v != "false";

    /// <summary>Names given that no one asked for (typos).</summary>
    public IEnumerable<string> Unread => _values.Keys.Where(k => !_read.Contains(k));

    private string Mark(string name)
    {
        _read.Add(name);
        return name;
    }
}
