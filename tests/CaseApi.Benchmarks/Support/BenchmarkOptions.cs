using System.Globalization;

namespace CaseApi.Benchmarks.Support;

/// <summary>A scenario the program can run: its name, what it measures, and the options it takes.</summary>
internal sealed record Scenario(
    string Name,
    string Description,
    IReadOnlyList<string> ValueOptions,
    IReadOnlyList<string> Flags,
    Func<BenchmarkOptions, CancellationToken, Task<int>> RunAsync);

/// <summary>The command line after the scenario name: <c>--name value</c> options and <c>--flag</c> switches.</summary>
internal sealed class BenchmarkOptions
{
    private readonly Dictionary<string, string> values;
    private readonly HashSet<string> flags;

    private BenchmarkOptions(Dictionary<string, string> values, HashSet<string> flags)
    {
        this.values = values;
        this.flags = flags;
    }

    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, Scenario scenario, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is not null && scenario.Flags.Contains(name))
            {
                flags.Add(name);
            }
            else if (name is not null && scenario.ValueOptions.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    error = $"--{name} needs a value.";
                    return null;
                }

                values[name] = args[++i];
            }
            else
            {
                error = $"Unknown argument for '{scenario.Name}': {args[i]}";
                return null;
            }
        }

        error = null;
        return new BenchmarkOptions(values, flags);
    }

    public bool Has(string flag) => flags.Contains(flag);

    public string? Text(string name) => values.GetValueOrDefault(name);

    /// <summary>A positive whole number; "1_000_000" and "1,000,000" are read as one million.</summary>
    public int Int(string name, int fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal),
            NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} must be a positive whole number, not '{text}'.");
    }
}
