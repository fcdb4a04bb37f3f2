using CaseApi.Features.Events;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Features.Webhooks;

/// <summary>The body of a webhook delivery: one event, in the Standard Webhooks payload shape.</summary>
/// <typeparam name="TResource">The resource the event carries.</typeparam>
public sealed record WebhookPayload<TResource>
{
    /// <summary>The event's id: the same as in the change feed, and the same on every retry.</summary>
    public Guid Id { get; init; }

    /// <summary>What happened.</summary>
    /// <example>letter.sent</example>
    public required string Type { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The resource as the API returned it when the event happened.</summary>
    public required TResource Data { get; init; }
}

/// <summary>
/// The OpenAPI <c>webhooks</c> section: one entry per event type, with the signed request a receiver gets and what
/// its answer means. Generated from <see cref="EventTypes"/> and <see cref="WebhookPayload{TResource}"/>, the type the
/// dispatcher serialises, so that the documentation cannot drift from what is sent.
/// </summary>
internal sealed class WebhookPayloadsDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var eventType in EventTypes.All)
        {
            var payload = context.SchemaGenerator.GenerateSchema(typeof(WebhookPayload<>).MakeGenericType(eventType.Resource), context.SchemaRepository);
            document.Webhooks[eventType.Name] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = $"webhook_{eventType.Name.Replace('.', '_')}",
                        Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
                        Summary = eventType.Name,
                        // The receiver authenticates the call by its signature headers, which no OpenAPI security scheme can express.
                        Security = [],
                        Description = $"""
                            {eventType.Summary}

                            Posted to every enabled webhook subscribed to `{eventType.Name}` (or to every event). Verify the
                            signature before trusting the body, and drop a `webhook-id` you have already processed: delivery
                            is at least once.
                            """,
                        Parameters =
                        [
                            Header("webhook-id", "The delivery's id; the same on every retry of this delivery."),
                            Header("webhook-timestamp", "Unix seconds when this attempt was signed; refuse old ones to stop replays."),
                            Header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the webhook's secret (Standard Webhooks)."),
                        ],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = payload } },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["2XX"] = new OpenApiResponse { Description = "Delivered. Nothing else counts as delivered; a redirect does not." },
                            ["410"] = new OpenApiResponse { Description = "Gone: the webhook is turned off and a `webhook.disabled` event is written." },
                            ["default"] = new OpenApiResponse
                            {
                                Description = "Retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (with jitter, or after `Retry-After`), "
                                    + "also when there is no answer within 15 s. A webhook whose deliveries have all failed for three days is turned off.",
                            },
                        },
                    },
                },
            };
        }
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
