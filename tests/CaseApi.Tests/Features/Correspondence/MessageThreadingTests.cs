using CaseApi.Features.Correspondence;
using MimeKit;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>The header rules of the matcher, without a database (issue 15 point 3).</summary>
public sealed class MessageThreadingTests
{
    [Theory]
    [InlineData("Ihr Schreiben, Az. VZ-2025-017", true)]
    [InlineData("[VZ-2025-017] Unterlassungserklärung", true)]
    [InlineData("Re: unser Zeichen vz-2025-017.", true)]
    [InlineData("Az. VZ-2025-0171", false)]
    [InlineData("Az. XVZ-2025-017", false)]
    [InlineData("Az. VZ-2025-017/2", false)]
    [InlineData("Az. VZ-2025-017-B", false)]
    [InlineData("Unterlassungserklärung", false)]
    public void A_reference_is_found_only_as_a_whole(string subject, bool found) =>
        Assert.Equal(found, ThreadClues.NamesReference(subject, "VZ-2025-017"));

    [Fact]
    public void A_short_reference_is_not_looked_for() => Assert.False(ThreadClues.NamesReference("Re: Az. 17", "17"));

    [Theory]
    [InlineData("cases+3f9c2a7e5b1d08c46a92@verbraucherzentrale.example", "3f9c2a7e5b1d08c46a92")]
    [InlineData("Cases+3F9C2A7E5B1D08C46A92@verbraucherzentrale.example", "3f9c2a7e5b1d08c46a92")]
    [InlineData("cases@verbraucherzentrale.example", null)]
    [InlineData("cases+short@verbraucherzentrale.example", null)]
    [InlineData("cases+3f9c2a7e5b1d08c46a9z@verbraucherzentrale.example", null)]
    [InlineData("x@y+3f9c2a7e5b1d08c46a92", null)]
    [InlineData("3f9c2a7e5b1d08c46a92@replies.verbraucherzentrale.example", "3f9c2a7e5b1d08c46a92")]
    [InlineData("cases-3f9c2a7e5b1d08c46a92.reply@verbraucherzentrale.example", "3f9c2a7e5b1d08c46a92")]
    [InlineData("cases3f9c2a7e5b1d08c46a92@verbraucherzentrale.example", null)]
    public void A_mail_token_is_read_from_every_form_a_reply_pattern_gives(string address, string? token) => Assert.Equal(token, ThreadClues.MailToken(address));

    [Fact]
    public void In_reply_to_comes_first_then_references_newest_first_and_recipients_give_tokens()
    {
        var message = new MimeMessage { Subject = "Re: Az. VZ-2025-017" };
        message.InReplyTo = "c@caseapi.invalid";
        message.References.Add("a@caseapi.invalid");
        message.References.Add("b@caseapi.invalid");
        message.References.Add("c@caseapi.invalid");
        message.To.Add(MailboxAddress.Parse("cases+3f9c2a7e5b1d08c46a92@verbraucherzentrale.example"));
        message.Headers.Add("Delivered-To", "cases+0123456789abcdef0123@verbraucherzentrale.example");

        var clues = ThreadClues.From(message);

        Assert.Equal(["c@caseapi.invalid", "b@caseapi.invalid", "a@caseapi.invalid"], clues.MessageIds);
        Assert.Equal(["3f9c2a7e5b1d08c46a92", "0123456789abcdef0123"], clues.MailTokens);
    }

    [Fact]
    public void Thousands_of_references_are_cut_to_the_newest_fifty()
    {
        var message = new MimeMessage();
        for (var i = 0; i < 5000; i++)
        {
            message.References.Add($"{i}@spam.example");
        }

        var clues = ThreadClues.From(message);

        Assert.Equal(ThreadClues.MaxMessageIds, clues.MessageIds.Count);
        Assert.Equal("4999@spam.example", clues.MessageIds[0]);
    }

    [Fact]
    public void Html_becomes_text_without_scripts_or_styles()
    {
        var text = MailMessageContent.HtmlToText(
            "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><p>Sehr geehrte Damen &amp; Herren,</p><p>wir erkl&auml;ren.</p><script src=x></script></body></html>");

        Assert.Equal("\nSehr geehrte Damen & Herren,\n\nwir erklären.\n", text);
    }
}
