using CaseApi.Features.Correspondence;

namespace CaseApi.Tests.Support;

/// <summary>Letters through the API, as a lawyer or case system records and sends them.</summary>
public static class Letters
{
    public sealed record World(HttpClient Client, Guid CaseId, Guid DefendantId);

    /// <summary>"Now" for correspondence tests: after every date they send or receive letters on.</summary>
    public static readonly DateTimeOffset Now = new(2025, 12, 31, 12, 0, 0, TimeSpan.Zero);

    public static async Task<World> WorldAsync(CaseApiFactory api, string jurisdiction = "DE-NW")
    {
        if (api.Clock.GetUtcNow() < Now)
        {
            api.Clock.SetUtcNow(Now);
        }

        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("Letters org", jurisdiction, "Europe/Berlin"));
        var client = api.ClientFor(organisation.AdminKeySecret);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        return new World(client, @case.Id(), defendant.Id());
    }

    public static Task<LetterDto> DraftAsync(this World world, string type = "cease_and_desist", Guid? complaintId = null) =>
        world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type, defendantId = world.DefendantId, channel = "registered_post",
            subject = "Unterlassungsaufforderung", body = "Sehr geehrte Damen und Herren, …", complaintId,
        });

    /// <summary>Sends a draft; returns the sent letter, whose <c>deadline</c> the send computed.</summary>
    public static async Task<LetterDto> SendAsync(this World world, LetterDto draft, string sentAt, string? period = null, string? due = null) =>
        await (await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send",
            new { sentAt, responsePeriod = period, responseDue = due }, draft.Version)).ReadAsync<LetterDto>();

    public static Task<LetterDto> ReplyAsync(this World world, Guid inReplyTo, string receivedAt) =>
        world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email",
            subject = "Re: Unterlassungsaufforderung", inReplyTo, receivedAt,
        });
}
