using CaseApi.Features.Correspondence;
using CaseApi.Features.LetterTemplates;

namespace CaseApi.Tests.Features.LetterTemplates;

public sealed class LetterTemplateEngineTests
{
    public static TheoryData<string> BuiltInKeys => new(BuiltInLetterTemplates.All.Select(t => t.Key));

    [Theory]
    [InlineData("de", "30. April 2025")]
    [InlineData("en", "30 April 2025")]
    public void Dates_are_written_as_a_letter_writes_them(string language, string expected) =>
        Assert.Equal(expected, LetterTemplateEngine.LongDate(new DateOnly(2025, 4, 30), language));

    [Theory]
    [MemberData(nameof(BuiltInKeys))]
    public async Task Every_built_in_template_parses_and_renders_with_and_without_merge_data(string key)
    {
        var template = BuiltInLetterTemplates.All.Single(t => t.Key == key);

        Assert.Null(await LetterTemplateEngine.ProblemWithAsync(template.Subject, template.Language, TimeProvider.System, CancellationToken.None));
        Assert.Null(await LetterTemplateEngine.ProblemWithAsync(template.Body, template.Language, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Missing_merge_fields_render_as_nothing()
    {
        Assert.True(LetterTemplateEngine.TryParse("[{{ defendant.legal_name }}|{{ answered.sent_on | date_long }}|{{ no.such.field }}]", out var template, out _));

        Assert.Equal("[||]", await LetterTemplateEngine.RenderAsync(template, LetterTemplateModel.Empty, "de", TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Letters_are_plain_text_and_nothing_in_them_is_HTML_encoded()
    {
        Assert.True(LetterTemplateEngine.TryParse("{{ defendant.legal_name }}", out var template, out _));
        var model = LetterTemplateModel.Empty with { Defendant = new DefendantFields("Müller & Söhne <GmbH> „Test“", null) };

        Assert.Equal("Müller & Söhne <GmbH> „Test“", await LetterTemplateEngine.RenderAsync(template, model, "de", TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_template_cannot_reach_beyond_the_merge_fields()
    {
        Assert.True(LetterTemplateEngine.TryParse("[{{ deadline.due_at.offset }}{{ case.get_type }}{{ case.equality_contract }}]", out var template, out _));

        Assert.Equal("[]", await LetterTemplateEngine.RenderAsync(template, LetterTemplateModel.Sample, "en", TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_loop_that_never_ends_is_refused()
    {
        var problem = await LetterTemplateEngine.ProblemWithAsync("{% for i in (1..100000000) %}x{% endfor %}", "de", TimeProvider.System, CancellationToken.None);

        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData(LetterType.CeaseAndDesist, false, "de", "reminder-after-cease-and-desist-de")]
    [InlineData(LetterType.CeaseAndDesist, false, "en", "reminder-after-cease-and-desist-en")]
    [InlineData(LetterType.ComplaintSubmission, true, "de", "reminder-after-dpa-silence-de")]
    [InlineData(LetterType.RequestForInformation, true, "en", "reminder-after-dpa-silence-en")]
    [InlineData(LetterType.DataSubjectRequest, false, "de", "reminder-de")]
    public void The_default_reminder_fits_the_letter_that_went_unanswered(LetterType answered, bool toAnAuthority, string language, string key) =>
        Assert.Equal(key, BuiltInLetterTemplates.ReminderFor(answered, toAnAuthority ? Guid.NewGuid() : null, language).Key);

    [Fact]
    public void There_is_no_default_reminder_in_a_language_without_templates() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BuiltInLetterTemplates.ReminderFor(LetterType.CeaseAndDesist, null, "fr"));
}
