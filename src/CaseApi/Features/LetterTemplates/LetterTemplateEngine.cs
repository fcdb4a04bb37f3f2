using System.Globalization;
using System.Text.RegularExpressions;
using CaseApi.Features.Correspondence;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.Caching.Memory;

namespace CaseApi.Features.LetterTemplates;

/// <summary>
/// Liquid (Fluid) set up for letters: plain text (no HTML encoding), the merge fields of <see cref="LetterTemplateModel"/>
/// and nothing else of .NET, the <c>date_long</c> filter, and limits so that a template cannot run away.
/// </summary>
public static class LetterTemplateEngine
{
    /// <summary>ISO 639-1 codes of the languages a template may be written in: those <c>date_long</c> can write dates in.</summary>
    public static readonly IReadOnlyList<string> Languages = ["de", "en"];

    private const string LanguageKey = "language";

    // The app runs with InvariantGlobalization, so CultureInfo("de-DE") has no German month names: they are spelt out here.
    private static readonly string[] GermanMonths = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
    private static readonly string[] EnglishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    // Fluid reports "<what> at (line:column)" followed by the offending source line.
    private static readonly Regex ParsePosition = new(@"^(?<reason>.*?) at \((?<line>\d+):(?<column>\d+)\)", RegexOptions.Compiled | RegexOptions.Singleline);

    // FluidParser is thread-safe and costly to build: one for the process.
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = CreateOptions();

    // Parsed templates are immutable and safe to share, and the same few are rendered again and again; the cache is
    // bounded by the length of their sources, since every organisation can store templates of its own.
    private static readonly MemoryCache Parsed = new(new MemoryCacheOptions { SizeLimit = LetterTemplateLimits.ParsedCacheCharacters, TrackStatistics = true });

    internal static long ParsedCacheCharacters => Parsed.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>
    /// Parses a template; on failure says where, as "Line 3, column 12: …", for the lawyer who wrote it. A template that
    /// parses is bounded as <see cref="LetterTemplateLimits"/> says: a literal range over the maximum is refused here.
    /// </summary>
    public static bool TryParse(string source, out IFluidTemplate template, out string error)
    {
        if (Parser.TryParse(source, out var parsed, out var message))
        {
            var bounding = new BoundingRewriter();
            template = bounding.VisitTemplate(parsed);
            error = string.Join(" ", bounding.Problems);
            return bounding.Problems.Count == 0;
        }

        template = parsed;
        var position = ParsePosition.Match(message ?? "");
        error = position.Success
            ? $"Line {position.Groups["line"].Value}, column {position.Groups["column"].Value}: {position.Groups["reason"].Value.TrimEnd('.')}."
            : $"Not a valid Liquid template: {message?.Split('\n')[0]}";
        return false;
    }

    /// <summary>A template parsed once for every rendering of the same source; throws when it does not parse.</summary>
    public static IFluidTemplate ParseCached(string source) => Parsed.GetOrCreate(source, entry =>
    {
        entry.Size = source.Length + 1;
        return TryParse(source, out var template, out var error) ? template : throw new LetterTemplateLimitException(error);
    })!;

    /// <summary>
    /// Renders into at most <see cref="LetterLimits.MaxBodyLength"/> characters, within the limits of <see cref="LetterTemplateLimits"/>:
    /// throws <see cref="LetterTooLongException"/> for a longer text and <see cref="LetterTemplateLimitException"/> for any other limit.
    /// </summary>
    public static async Task<string> RenderAsync(IFluidTemplate template, LetterTemplateModel model, string language, TimeProvider clock, CancellationToken ct)
    {
        var budget = new RenderBudget(clock, ct);
        var context = new TemplateContext(model, Options);
        context.AmbientValues[LanguageKey] = language;
        budget.Attach(context);
        var writer = new BoundedWriter(LetterLimits.MaxBodyLength, budget);
        await template.RenderAsync(writer, NullEncoder.Default, context);
        return writer.ToString();
    }

    /// <summary>
    /// Null when the template parses and renders both with every merge field filled and with none; otherwise why not.
    /// Rendering catches what parsing cannot: an unknown filter, a filter given a bad argument, a loop that never ends.
    /// </summary>
    public static async Task<string?> ProblemWithAsync(string source, string language, TimeProvider clock, CancellationToken ct)
    {
        if (!TryParse(source, out var template, out var error))
        {
            return error;
        }

        try
        {
            await RenderAsync(template, LetterTemplateModel.Sample, language, clock, ct);
            await RenderAsync(template, LetterTemplateModel.Empty, language, clock, ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"Does not render: {e.Message}";
        }
    }

    /// <summary>"30. April 2025" in German, "30 April 2025" in English: how a date stands in a letter.</summary>
    public static string LongDate(DateOnly date, string language) => language switch
    {
        "de" => $"{date.Day}. {GermanMonths[date.Month - 1]} {date.Year}",
        "en" => $"{date.Day} {EnglishMonths[date.Month - 1]} {date.Year}",
        _ => throw UnknownLanguage(language),
    };

    private static ArgumentOutOfRangeException UnknownLanguage(string language) =>
        new(nameof(language), language, $"date_long writes dates in {string.Join(" and ", Languages)}, not '{language}'.");

    private static TemplateOptions CreateOptions()
    {
        // Only the merge-field records are readable, and by their snake_case names: a template cannot reach into anything else.
        var members = new DefaultMemberAccessStrategy { MemberNameStrategy = MemberNameStrategies.SnakeCase };
        foreach (var type in LetterTemplateModel.Types)
        {
            members.Register(type);
        }

        var options = new TemplateOptions
        {
            MemberAccessStrategy = members,
            // A misspelt filter (date_lnog) fails on save instead of silently printing the raw value in a letter.
            StrictFilters = true,
            // Undefined variables stay empty: a letter to an authority has no defendant, and that is not an error.
            StrictVariables = false,
            MaxSteps = LetterTemplateLimits.MaxSteps,
            MaxRecursion = LetterTemplateLimits.MaxRecursion,
        };
        // Fluid would print a DateOnly as text; as a date it works with date_long and Liquid's own date filter.
        options.ValueConverters.Add(value => value is DateOnly day ? new DateTimeValue(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)) : null);
        options.Filters.AddFilter("date_long", DateLong);
        BoundedFilters.Wrap(options.Filters);
        return options;
    }

    private static ValueTask<FluidValue> DateLong(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        var language = arguments.Count > 0 ? arguments.At(0).ToStringValue() : (string)context.AmbientValues[LanguageKey];
        DateOnly? day = input.ToObjectValue() switch
        {
            DateTimeOffset instant => DateOnly.FromDateTime(instant.DateTime),
            DateTime dateTime => DateOnly.FromDateTime(dateTime),
            string text when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) => parsed,
            _ => null,
        };
        // Checked even without a date to format, so that a bad language argument fails when the template is saved.
        if (!Languages.Contains(language))
        {
            throw UnknownLanguage(language);
        }

        return ValueTask.FromResult<FluidValue>(day is { } known ? new StringValue(LongDate(known, language)) : NilValue.Instance);
    }
}
