using System.Globalization;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Lines stay within the .editorconfig's max_line_length, which no formatter enforces. The files that had longer lines when
/// the rule came (issue 17) are listed in LongLines.txt with how many: no file may gain one, and a file that loses some
/// has its number lowered with it, so that the list only shrinks.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLineLength = 160;

    private static readonly string AllowancesFile = RepositoryRoot.File("tests", "CaseApi.Tests", "Infrastructure", "LongLines.txt");

    [Fact]
    public void No_source_file_has_more_lines_over_160_characters_than_LongLines_txt_allows_and_the_list_is_current()
    {
        var allowed = File.ReadLines(AllowancesFile)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[1], parts => int.Parse(parts[0], CultureInfo.InvariantCulture));
        var found = SourceFiles()
            .Select(path => (Path: path, Long: File.ReadLines(RepositoryRoot.File(path)).Count(line => line.Length > MaxLineLength)))
            .Where(file => file.Long > 0)
            .ToDictionary(file => file.Path, file => file.Long);

        var grown = found.Where(file => file.Value > allowed.GetValueOrDefault(file.Key))
            .Select(file => $"{file.Key}: {file.Value} lines over {MaxLineLength} characters, {allowed.GetValueOrDefault(file.Key)} allowed: wrap them");
        var shrunk = allowed.Where(file => found.GetValueOrDefault(file.Key) < file.Value)
            .Select(file => $"{file.Key}: {found.GetValueOrDefault(file.Key)} lines over {MaxLineLength} characters, LongLines.txt says {file.Value}: lower it");
        var problems = grown.Concat(shrunk).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The C# files of src/ and tests/ as repository paths, without build output and the generated Kiota client.</summary>
    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryRoot.File(folder), "*.cs", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(RepositoryRoot.Path, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(segment => segment is "bin" or "obj" or "node_modules" or "Kiota"))
            .Order(StringComparer.Ordinal);
}
