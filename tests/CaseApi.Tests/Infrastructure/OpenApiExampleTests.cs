using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CaseApi.Features.Inbox;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Tests.Support.Contract;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 14 point 8: a lawyer who presses "Try it out" in Swagger UI sends the example as it is, so every request body
/// has one and the API accepts each; the main answers show an example that matches their schema; and the document says
/// whom to ask, under what terms, where, and what each tag is about.
/// </summary>
public sealed class OpenApiExampleTests(CaseApiFactory api, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<CaseApiFactory>
{
    private OpenApiDocument Document => api.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(SwaggerSetup.DocumentName);

    [Fact]
    public async Task Every_request_body_has_an_example_that_the_API_accepts()
    {
        var refused = new List<string>();
        var sent = 0;
        foreach (var (path, item) in Document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (operation.RequestBody?.Content?.TryGetValue("application/json", out var json) != true)
                {
                    continue;
                }

                var name = $"{method.Method} {path}";
                if (json!.Example is not { } example)
                {
                    refused.Add($"{name}: no example");
                    continue;
                }

                var world = await Letters.WorldAsync(api);
                var target = await PathAsync(world, path);
                var ifMatch = operation.Parameters?.Any(p => p.Name == "If-Match") == true
                    ? target.Contains("/urgency-windows/", StringComparison.Ordinal) || target == "/v1/organisation/mail"
                        // The court's default is in effect, version 0; the list has no ETag of its own. No mail settings yet: "0" sets the first.
                        ? new EntityTagHeaderValue("\"0\"")
                        : await ETagAsync(world.Client, item.Operations!.ContainsKey(HttpMethod.Get) ? target : target[..target.LastIndexOf('/')])
                    : null;
                var body = example.ToJsonString();
                if (body.Contains(Examples.MetaDefendantId, StringComparison.Ordinal))
                {
                    // A defendant's id is the organisation's own: as it is, the example names one this organisation does not
                    // have, which the API answers as a reference it cannot use, not as a malformed body. With the id of the
                    // organisation's Meta defendant, it goes through.
                    var (unknown, text) = await SendAsync(world.Client, method, target, body, ifMatch);
                    Check(unknown == HttpStatusCode.UnprocessableEntity, $"{name} as it is: {(int)unknown} {text}");
                    body = body.Replace(Examples.MetaDefendantId, world.DefendantId.ToString(), StringComparison.Ordinal);
                }

                if (body.Contains(Examples.CaseId, StringComparison.Ordinal))
                {
                    // Likewise a case's id: the example's stands for the organisation's Meta case.
                    var (unknown, text) = await SendAsync(world.Client, method, target, body, ifMatch);
                    Check(unknown == HttpStatusCode.UnprocessableEntity, $"{name} as it is: {(int)unknown} {text}");
                    body = body.Replace(Examples.CaseId, world.CaseId.ToString(), StringComparison.Ordinal);
                }

                var (status, answer) = await SendAsync(world.Client, method, target, body, ifMatch);
                sent++;
                output.WriteLine($"{name}: {(int)status}");
                Check((int)status is >= 200 and < 300, $"{name}: {(int)status} {answer}");
            }
        }

        void Check(bool accepted, string failure)
        {
            if (!accepted)
            {
                refused.Add(failure);
            }
        }

        Assert.True(refused.Count == 0, string.Join("\n", refused));
        Assert.Equal(Examples.RequestBodies.Count, sent - SharedBodies);
    }

    [Fact]
    public async Task Every_response_example_matches_the_schema_of_its_answer()
    {
        var document = Document;
        var contract = OpenApiContract.Load(await document.SerializeAsYamlAsync(OpenApiSpecVersion.OpenApi3_1));
        var wrong = new List<string>();
        var shown = new HashSet<string>();
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (response.Content?.TryGetValue("application/json", out var json) == true && json.Example is { } example)
                    {
                        var concrete = Regex.Replace(path, "\\{[^}]+\\}", Guid.NewGuid().ToString());
                        var problems = contract.Check(method, concrete, int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
                            MediaTypeHeaderValue.Parse("application/json"), System.Text.Encoding.UTF8.GetBytes(example.ToJsonString()));
                        wrong.AddRange(problems.Select(problem => $"{method.Method} {path} {status}: {problem}"));
                        shown.Add($"{method.Method} {path}");
                    }
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Subset(shown, new HashSet<string>
        {
            "GET /v1/cases/{id}", "POST /v1/cases", "GET /v1/letters/{id}", "POST /v1/letters/{id}/send", "GET /v1/complaints/{id}",
            "GET /v1/defendants/{id}", "GET /v1/deadlines/{id}", "GET /v1/proceedings/{id}",
        });
    }

    // Example is where Swashbuckle writes XML examples (OpenAPI 3.0's keyword, deprecated in 3.1).
#pragma warning disable CS0618
    [Fact]
    public void Examples_of_text_fields_are_text()
    {
        // registerNumber's example was the number 462932, which the API refuses for a text field.
        var wrong = Document.Components!.Schemas!
            .SelectMany(schema => (schema.Value.Properties ?? new Dictionary<string, IOpenApiSchema>()).Select(property => (Name: $"{schema.Key}.{property.Key}", Schema: property.Value)))
            .Where(property => property.Schema.Type is { } type && type.HasFlag(JsonSchemaType.String)
                && property.Schema.Example is JsonValue value && value.GetValueKind() != JsonValueKind.String)
            .Select(property => property.Name)
            .ToList();

        Assert.Empty(wrong);
        Assert.Equal("462932", Document.Components!.Schemas!["Defendant"].Properties!["registerNumber"].Example!.GetValue<string>());
    }
#pragma warning restore CS0618

    [Fact]
    public void Every_tag_has_a_description_and_the_document_names_contact_licence_and_server()
    {
        var document = Document;
        var used = document.Paths.Values.SelectMany(item => item.Operations!.Values).SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name).ToHashSet();

        Assert.NotEmpty(used);
        Assert.All(used, tag => Assert.False(string.IsNullOrWhiteSpace(document.Tags?.SingleOrDefault(t => t.Name == tag)?.Description), $"tag {tag} has no description"));
        Assert.All(DocumentInfoFilter.TagDescriptions.Keys, tag => Assert.Contains(tag, used));
        Assert.False(string.IsNullOrWhiteSpace(document.Info.Contact?.Name));
        Assert.NotNull(document.Info.Contact!.Email ?? document.Info.Contact.Url?.ToString());
        Assert.False(string.IsNullOrWhiteSpace(document.Info.License?.Name));
        Assert.Equal("/", Assert.Single(document.Servers!).Url);
    }

    /// <summary>Bodies with one example for two operations (a template is created and replaced with the same fields).</summary>
    private const int SharedBodies = 1;

    /// <summary>The path with its ids filled in from data arranged for it: the resource the operation acts on, in the state it needs.</summary>
    private async Task<string> PathAsync(Letters.World world, string template)
    {
        var client = world.Client;
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        if (template.StartsWith("/v1/organisation/urgency-windows/", StringComparison.Ordinal))
        {
            return "/v1/organisation/urgency-windows/de-olg-koeln";
        }

        var id = template.Split('/')[2] switch
        {
            "cases" => world.CaseId,
            "defendants" => world.DefendantId,
            "complaints" => (await client.ComplaintAsync(world.CaseId, world.DefendantId, filed: true)).Id(),
            "letters" when template.EndsWith("/delivery", StringComparison.Ordinal) => (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00")).Id,
            "letters" => (await world.DraftAsync()).Id,
            "deadlines" => (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D")).Deadline!.Id,
            "obligations" => await ObligationAsync(world),
            "proceedings" => (await client.CreatedAsync($"/v1/cases/{world.CaseId}/proceedings", new { kind = "redress_action", courtId = Examples.OlgKoelnId })).Id(),
            "letter-templates" => (await client.CreatedAsync("/v1/letter-templates", new { name = "Abmahnung", letterType = "cease_and_desist", language = "de", subject = "Abmahnung", body = "…" })).Id(),
            "webhooks" => (await client.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook", enabled = false })).GetProperty("webhook").Id(),
            "inbox" => await InboxMessageAsync(world),
            var other => throw new InvalidOperationException($"{template}: say here which {other} the example acts on."),
        };
        return Regex.Replace(template, "\\{[^}]+\\}", id.ToString());
    }

    /// <summary>A message of the inbox, filed as the mailbox poller files one that threads to no case.</summary>
    private async Task<Guid> InboxMessageAsync(Letters.World world)
    {
        var organisationId = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/organisation")).Id();
        var message = MailMessages.Bytes(MailMessages.Reply("Allgemeine Anfrage", "Bitte rufen Sie uns zurück."));
        await api.SendAsync(new PollMailbox.Import("imap://cases@mail.ngo.example:993/INBOX", 1, 1, message), organisationId);
        return (await world.Client.GetFromJsonAsync<JsonElement>("/v1/inbox")).GetProperty("items")[0].Id();
    }

    private static async Task<Guid> ObligationAsync(Letters.World world)
    {
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Unterlassungserklärung", inReplyTo = sent.Id,
            receivedAt = "2025-05-12T10:00:00+02:00",
            ceaseAndDesistReply = new { kind = "declaration", penalty = new { kind = "fixed", amount = 5100, currency = "EUR" }, acceptedAsAdequate = true },
        });
        return (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/obligations")).EnumerateArray().Single().Id();
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, string body, EntityTagHeaderValue? ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, MediaTypeHeaderValue.Parse("application/json")) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<EntityTagHeaderValue> ETagAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.Headers.ETag is not null, $"GET {path}: {(int)response.StatusCode}, no ETag");
        return response.Headers.ETag!;
    }
}
