using CaseApi.Features.LetterTemplates;

namespace CaseApi.Tests.Features.LetterTemplates;

/// <summary>Issue 11: every axis of rendering a tenant's template is bounded (see <see cref="LetterTemplateLimits"/>).</summary>
public sealed class LetterTemplateLimitsTests
{
    [Fact]
    public void A_literal_range_over_the_maximum_is_refused_when_the_template_is_parsed()
    {
        var refused = LetterTemplateEngine.TryParse("{% for x in (1..1000000000) %}a{% endfor %}", out _, out var error);
        var largest = LetterTemplateEngine.TryParse("{% for x in (1..1000) %}a{% endfor %}{{ (5..1004) | size }}", out _, out _);

        Assert.False(refused);
        Assert.Equal("The range (1..1000000000) counts 1000000000 numbers; at most 1,000 are allowed.", error);
        Assert.True(largest);
    }

    [Fact]
    public async Task A_range_computed_while_rendering_is_refused_before_it_is_built()
    {
        var large = await RenderAsync("{% assign n = 1000000000 %}{% for x in (1..n) %}a{% endfor %}");
        var small = await RenderAsync("{% assign n = 3 %}{% for x in (1..n) %}{{ x }}{% endfor %}|{% for x in (2..1) %}never{% endfor %}");

        Assert.Equal("The range (1..1000000000) counts 1000000000 numbers; at most 1,000 are allowed.", large.Error);
        Assert.Equal("123|", small.Text);
    }

    [Fact]
    public async Task A_text_longer_than_a_letter_may_be_is_stopped_at_the_maximum()
    {
        var exactly = await RenderAsync($"{{% for x in (1..1000) %}}{new string('x', 200)}{{% endfor %}}");
        var longer = await RenderAsync($"{{% for x in (1..1000) %}}{new string('x', 200)}{{% endfor %}}!");

        Assert.Equal(200_000, exactly.Text!.Length);
        Assert.IsType<LetterTooLongException>(longer.Exception);
        Assert.Equal("It renders to more than 200,000 characters.", longer.Error);
    }

    [Theory]
    [InlineData("{% assign s = 'a' %}" + Doubled22 + "done", "It computes values of more than 500,000 characters.")]
    [InlineData("{% assign s = 'aaaaaaaaaa' | split: '' %}{% for i in (1..30) %}{% assign s = s | concat: s %}{% endfor %}done",
        "It computes values of more than 500,000 characters.")]
    // A capture is written into a writer of its own: it is bounded like the letter's.
    [InlineData("{% assign s = 'a' %}{% for i in (1..30) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}done",
        "It renders to more than 200,000 characters.")]
    public async Task Values_that_are_computed_but_never_written_are_bounded_too(string template, string error)
    {
        var rendered = await RenderAsync(template);

        Assert.Equal(error, rendered.Error);
    }

    // Each would build more than 50 MB (a replacement of 10,240 characters for each of 10,240, 1,280 items joined by 25,600
    // characters, widths of nearly a million or a billion characters) if it were only counted after it ran.
    public static TheoryData<string> Amplifying => new(
        "{% assign b = 'bbbbbbbbbb' %}{% for i in (1..10) %}{% assign b = b | append: b %}{% endfor %}"
        + "{% assign a = b | replace: 'b', 'a' %}{{ a | replace: 'a', b }}",
        "{% assign a = 'aaaaaaaaaa' | split: '' %}{% for i in (1..7) %}{% assign a = a | concat: a %}{% endfor %}"
        + "{% assign b = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' %}"
        + "{% for i in (1..8) %}{% assign b = b | append: b %}{% endfor %}{{ a | join: b }}",
        "{{ today | date: '%999999999n' }}",
        "{{ 1 | format_number: 'N999999999' }}",
        $"{{{{ '{string.Concat(Enumerable.Repeat("{0,999999}", 30))}' | format_string: 'x' }}}}");

    [Theory]
    [MemberData(nameof(Amplifying))]
    public async Task Filters_that_would_build_far_more_than_they_are_given_are_refused_before_they_run(string template)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var rendered = await RenderAsync(template);

        Assert.Equal("It computes values of more than 500,000 characters.", rendered.Error);
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 50L << 20);
    }

    [Fact]
    public void Ifchanged_renders_into_a_writer_of_its_own_and_is_not_available()
    {
        Assert.False(LetterTemplateEngine.TryParse("{% ifchanged %}{{ case.title }}{% endifchanged %}", out _, out var error));
        Assert.Equal("ifchanged is not available in letter templates.", error);
    }

    [Fact]
    public async Task A_rendering_that_takes_longer_than_the_limit_is_stopped()
    {
        // Every look at the clock finds a tenth of a second gone: the eleventh write is past the second allowed.
        var rendered = await RenderAsync("{% for i in (1..100) %}{{ i }}{% endfor %}", new SteppingClock(TimeSpan.FromMilliseconds(100)));

        Assert.Equal("It takes longer than 1 s to render.", rendered.Error);
    }

    [Fact]
    public async Task A_cancelled_request_stops_the_rendering()
    {
        Assert.True(LetterTemplateEngine.TryParse("{% for i in (1..100) %}{{ i }}{% endfor %}", out var template, out _));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LetterTemplateEngine.RenderAsync(template, LetterTemplateModel.Sample, "en", TimeProvider.System, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void The_cache_of_parsed_templates_keeps_no_more_than_its_limit()
    {
        var prefix = Guid.NewGuid().ToString();
        for (var i = 0; i < 15; i++)
        {
            LetterTemplateEngine.ParseCached($"{prefix} {i} {new string('x', 200_000)}");
        }

        Assert.InRange(LetterTemplateEngine.ParsedCacheCharacters, 1, LetterTemplateLimits.ParsedCacheCharacters);
    }

    private const string Doubled22 =
        "{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}"
        + "{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}"
        + "{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}"
        + "{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}"
        + "{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}{% assign s = s | append: s %}"
        + "{% assign s = s | append: s %}{% assign s = s | append: s %}";

    private sealed record Rendered(string? Text, Exception? Exception)
    {
        public string? Error => Exception?.Message;
    }

    private static async Task<Rendered> RenderAsync(string source, TimeProvider? clock = null)
    {
        Assert.True(LetterTemplateEngine.TryParse(source, out var template, out var error), error);
        try
        {
            return new Rendered(await LetterTemplateEngine.RenderAsync(template, LetterTemplateModel.Sample, "de", clock ?? TimeProvider.System, CancellationToken.None), null);
        }
        catch (LetterTemplateLimitException e)
        {
            return new Rendered(null, e);
        }
    }

    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref ticks, step.Ticks);
    }
}
