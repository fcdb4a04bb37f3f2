using CaseApi.Features.Correspondence;
using MimeKit;

namespace CaseApi.Tests.Support;

/// <summary>E-mail letters and the replies to them, for the tests of importing and polling (issue 15).</summary>
public static class MailMessages
{
    /// <summary>A cease-and-desist letter sent by e-mail on Wednesday 30 April 2025 with 14 days to answer; it has a Message-ID.</summary>
    public static async Task<LetterDto> SendEmailAsync(Letters.World world)
    {
        var draft = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email",
            subject = "Unterlassungsaufforderung: KI-Training mit Nutzerdaten", body = "Sehr geehrte Damen und Herren, …",
        });
        return await world.SendAsync(draft, "2025-04-30T10:00:00+02:00", "P14D");
    }

    /// <summary>A message from the defendant's legal department, dated Monday 12 May 2025 11:00 +02:00, with a Message-ID of its own.</summary>
    public static MimeMessage Reply(string subject, string text)
    {
        var message = new MimeMessage { Subject = subject, Date = new DateTimeOffset(2025, 5, 12, 11, 0, 0, TimeSpan.FromHours(2)) };
        message.From.Add(new MailboxAddress("Meta Platforms Ireland Ltd.", "legal@meta.example"));
        message.To.Add(new MailboxAddress("Verbraucherzentrale", "cases@verbraucherzentrale.example"));
        message.MessageId = $"{Guid.NewGuid():N}@meta.example";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return buffer.ToArray();
    }
}
