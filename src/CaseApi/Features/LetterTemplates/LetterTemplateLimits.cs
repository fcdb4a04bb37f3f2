using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using CaseApi.Features.Correspondence;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace CaseApi.Features.LetterTemplates;

/// <summary>
/// Bounds on rendering a template that any lawyer or integration key can write (issue 11: one template grew the process to
/// 23 GB). Fluid 2.41 bounds only statements and recursion; everything else it would build in full, so each axis is bounded
/// here: ranges when parsed, the text written, the values computed on the way, and the time taken.
/// </summary>
public static class LetterTemplateLimits
{
    /// <summary>Numbers in a range such as <c>(1..10)</c>: Fluid builds the whole list before a loop starts.</summary>
    public const int MaxRangeLength = 1_000;

    /// <summary>Characters of all the values filters, ranges and captures compute in one rendering: assignments never written out count too.</summary>
    public const int MaxComputedCharacters = 500_000;

    /// <summary>Liquid statements run in one rendering (loop iterations count).</summary>
    public const int MaxSteps = 100_000;

    /// <summary>Nesting of blocks at render time.</summary>
    public const int MaxRecursion = 10;

    /// <summary>One rendering of a subject or body; ordinary letters take well under a millisecond.</summary>
    public static readonly TimeSpan RenderTime = TimeSpan.FromSeconds(1);

    /// <summary>Characters of template source whose parsed form is kept for reuse.</summary>
    public const int ParsedCacheCharacters = 2_000_000;

    /// <summary>For lawyers, in the description of <c>POST /v1/letter-templates</c> and in the README.</summary>
    public static readonly string Documentation = $"""
        **Limits**: a subject or body renders to at most {LetterLimits.MaxBodyLength:N0} characters (a longer body is a 400 naming
        the field); a range such as `(1..10)` counts at most {MaxRangeLength:N0} numbers; one rendering runs at most
        {MaxSteps:N0} statements, computes at most {MaxComputedCharacters:N0} characters of values and takes at most
        {RenderTime.TotalSeconds:0} s. `ifchanged` is not available.
        """;
}

/// <summary>A template went past one of <see cref="LetterTemplateLimits"/>; the message says which, for the lawyer who wrote it.</summary>
public class LetterTemplateLimitException(string message) : Exception(message);

/// <summary>The text a template renders would be longer than a letter may be.</summary>
public sealed class LetterTooLongException(int maxLength) : LetterTemplateLimitException($"It renders to more than {maxLength:N0} characters.")
{
    public int MaxLength => maxLength;
}

/// <summary>What one rendering may still spend: checked by every filter, range, capture and write.</summary>
internal sealed class RenderBudget(TimeProvider clock, CancellationToken ct)
{
    private const string Key = "caseapi.budget";

    private readonly long started = clock.GetTimestamp();
    private long computed;

    public void Attach(TemplateContext context) => context.AmbientValues[Key] = this;

    public static RenderBudget Of(TemplateContext context) => (RenderBudget)context.AmbientValues[Key];

    public void CheckTime()
    {
        ct.ThrowIfCancellationRequested();
        if (clock.GetElapsedTime(started) > LetterTemplateLimits.RenderTime)
        {
            throw new LetterTemplateLimitException($"It takes longer than {LetterTemplateLimits.RenderTime.TotalSeconds:0} s to render.");
        }
    }

    /// <summary>Refuses before building what would not fit: afterwards the memory is spent.</summary>
    public void Reserve(long characters)
    {
        if (computed + characters > LetterTemplateLimits.MaxComputedCharacters)
        {
            throw new LetterTemplateLimitException($"It computes values of more than {LetterTemplateLimits.MaxComputedCharacters:N0} characters.");
        }
    }

    public FluidValue Charge(FluidValue value)
    {
        var size = SizeOf(value);
        Reserve(size);
        computed += size;
        return value;
    }

    private static long SizeOf(FluidValue value) => value switch
    {
        StringValue text => text.ToStringValue().Length,
        ArrayValue list => list.Values.Count + list.Values.Sum(SizeOf),
        _ => 1,
    };
}

/// <summary>Collects rendered text up to a letter's maximum length, checking the time at every write.</summary>
internal sealed class BoundedWriter(int maxLength, RenderBudget budget) : TextWriter
{
    private readonly StringBuilder text = new();

    public override Encoding Encoding => Encoding.Unicode;

    public override void Write(char value) => Append([value]);

    public override void Write(char[] buffer, int index, int count) => Append(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Append(buffer);

    public override void Write(string? value) => Append(value);

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Append(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Append(buffer.AsSpan(index, count));
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Append(buffer.Span);
        return Task.CompletedTask;
    }

    public override string ToString() => text.ToString();

    private void Append(ReadOnlySpan<char> value)
    {
        budget.CheckTime();
        if (text.Length + value.Length > maxLength)
        {
            throw new LetterTooLongException(maxLength);
        }

        text.Append(value);
    }
}

/// <summary>
/// Applied to every parsed template: refuses literal ranges over the maximum and <c>ifchanged</c>, and swaps ranges and
/// captures for bounded ones (Fluid builds both in full, outside the rendering's writer).
/// </summary>
internal sealed class BoundingRewriter : AstRewriter
{
    public List<string> Problems { get; } = [];

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
    {
        var range = (RangeExpression)base.VisitRangeExpression(rangeExpression);
        if (range is { From: LiteralExpression from, To: LiteralExpression to }
            && BoundedRangeExpression.Length(from.Value, to.Value) is var length and > LetterTemplateLimits.MaxRangeLength)
        {
            Problems.Add(BoundedRangeExpression.TooLong(from.Value, to.Value, length));
        }

        return new BoundedRangeExpression(range.From, range.To);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        var capture = (CaptureStatement)base.VisitCaptureStatement(captureStatement);
        return new BoundedCaptureStatement(capture.Identifier, capture.Statements);
    }

    // It renders its block into a writer of its own; a letter has no use for it.
    protected override Statement VisitIfChangedStatement(IfChangedStatement ifChangedStatement)
    {
        Problems.Add("ifchanged is not available in letter templates.");
        return ifChangedStatement;
    }
}

internal sealed class BoundedRangeExpression(Expression from, Expression to) : Expression
{
    public static decimal Length(FluidValue from, FluidValue to) => to.ToNumberValue() - from.ToNumberValue() + 1;

    public static string TooLong(FluidValue from, FluidValue to, decimal length) =>
        $"The range ({from.ToNumberValue()}..{to.ToNumberValue()}) counts {length} numbers; at most {LetterTemplateLimits.MaxRangeLength:N0} are allowed.";

    public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        var budget = RenderBudget.Of(context);
        budget.CheckTime();
        var (first, last) = (await from.EvaluateAsync(context), await to.EvaluateAsync(context));
        var length = Length(first, last);
        if (length > LetterTemplateLimits.MaxRangeLength)
        {
            throw new LetterTemplateLimitException(TooLong(first, last, length));
        }

        // As Fluid's RangeExpression: the ends rounded to integers, an empty list when the end lies before the start.
        var start = Convert.ToInt32(first.ToNumberValue());
        var count = Math.Max(0, Convert.ToInt32(last.ToNumberValue()) - start + 1);
        return budget.Charge(new ArrayValue(Enumerable.Range(start, count).Select(n => (FluidValue)NumberValue.Create(n)).ToArray()));
    }
}

internal sealed class BoundedCaptureStatement(string identifier, IReadOnlyList<Statement> statements) : TagStatement(statements)
{
    public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        var budget = RenderBudget.Of(context);
        var captured = new BoundedWriter(LetterLimits.MaxBodyLength, budget);
        var completion = Completion.Normal;
        foreach (var statement in Statements)
        {
            completion = await statement.WriteToAsync(captured, encoder, context);
            if (completion != Completion.Normal)
            {
                break;
            }
        }

        context.SetValue(identifier, budget.Charge(new StringValue(captured.ToString(), false)));
        return completion;
    }
}

/// <summary>Every filter checks the time and has its result counted; those that can build far more than they are given are checked first.</summary>
internal static partial class BoundedFilters
{
    public static void Wrap(FilterCollection filters)
    {
        foreach (var (name, filter) in filters.ToArray())
        {
            var projected = Projections.GetValueOrDefault(name);
            filters.AddFilter(name, async (input, arguments, context) =>
            {
                var budget = RenderBudget.Of(context);
                budget.CheckTime();
                if (projected is not null)
                {
                    budget.Reserve(projected(input, arguments));
                }

                return budget.Charge(await filter(input, arguments, context));
            });
        }
    }

    // Upper bounds of what these would build: a replacement as long as the text for each of its characters, a separator
    // repeated for each item, and widths and precisions (%999999999n, N999999999, {0,999999}) that pad to any length.
    private static readonly Dictionary<string, Func<FluidValue, FilterArguments, long>> Projections = new()
    {
        ["replace"] = (input, arguments) => Replaced(input.ToStringValue(), arguments.At(0).ToStringValue(), arguments.At(1).ToStringValue()),
        ["join"] = (input, arguments) => input is ArrayValue list
            ? list.Values.Sum(v => (long)v.ToStringValue().Length) + (long)list.Values.Count * arguments.At(0).ToStringValue().Length
            : 0,
        ["date"] = (_, arguments) => Padded(arguments.At(0).ToStringValue()),
        ["format_number"] = (_, arguments) => Padded(arguments.At(0).ToStringValue()),
        ["format_string"] = (input, arguments) => Padded(input.ToStringValue())
            + input.ToStringValue().Count(c => c == '{') * (arguments.Values ?? []).Sum(v => (long)v.ToStringValue().Length),
    };

    private static long Replaced(string text, string search, string replacement)
    {
        if (search.Length == 0 || replacement.Length <= search.Length)
        {
            return text.Length;
        }

        long occurrences = 0;
        for (var at = text.IndexOf(search, StringComparison.Ordinal); at >= 0; at = text.IndexOf(search, at + search.Length, StringComparison.Ordinal))
        {
            occurrences++;
        }

        return text.Length + occurrences * (replacement.Length - search.Length);
    }

    // Generous: every character of a format may stand for a long word ("%c", "D"), and every number in it for that many characters.
    private static long Padded(string format) =>
        format.Length * 32L + Numbers().Matches(format).Sum(m => int.TryParse(m.ValueSpan, out var n) ? n : (long)int.MaxValue);

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
