using CaseApi.Infrastructure.Http;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The response headers a client acts on, declared where the API sends them: <c>Location</c> on 201 and on a 202 that answers with a
/// versioned resource a job goes on changing (<see cref="EntityTags.Accepted"/>), <c>ETag</c> with
/// every versioned resource (<see cref="EntityTags"/>: it goes back in <c>If-Match</c>), <c>Retry-After</c> on 429 and 503.
/// Each is required where declared; the contract check of the test clients fails a response that sends one undeclared
/// or leaves out a declared one.
/// </summary>
internal sealed class ResponseHeadersOperationFilter : IOperationFilter
{
    // It creates a chain of deadlines, answered whole, with no one resource to point to.
    private static readonly HashSet<string> CreatedWithoutLocation = ["RecordDeadlineTrigger"];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            if (status == "201" && !CreatedWithoutLocation.Contains(operation.OperationId ?? ""))
            {
                Declare(concrete, "Location", "Where the new resource can be read.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" });
            }

            var type = context.ApiDescription.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status)?.Type;
            if (status == "202" && type is not null && typeof(IVersioned).IsAssignableFrom(type))
            {
                Declare(concrete, "Location", "Where to watch the work: the resource, as the job goes on changing it.", new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" });
            }

            if (status.StartsWith('2') && type is not null && typeof(IVersioned).IsAssignableFrom(type))
            {
                Declare(concrete, "ETag", "The resource's version, e.g. `\"3\"`: send it in `If-Match` when you change the resource.", new OpenApiSchema { Type = JsonSchemaType.String });
            }

            if (status is "429" or "503")
            {
                Declare(concrete, "Retry-After", "Seconds to wait before retrying.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" });
            }
        }
    }

    private static void Declare(OpenApiResponse response, string name, string description, OpenApiSchema schema)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Required = true, Schema = schema };
    }
}
