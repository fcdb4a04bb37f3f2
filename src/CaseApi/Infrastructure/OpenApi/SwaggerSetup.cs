using System.Reflection;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

public static class SwaggerSetup
{
    public const string DocumentName = "v1";
    private const string BearerScheme = "bearer";
    private const string FeedTokenScheme = "feedToken";

    public static IServiceCollection AddSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "CaseApi",
                Version = "v1",
                Description = """
                    Case management for consumer organisations and privacy NGOs: cases, complaints to data protection
                    authorities, defendants, correspondence and the response deadline of every letter sent.

                    **Authentication.** Every `/v1` operation needs an API key: click **Authorize** and paste the key
                    (`cak_…`). Keys are created by admins (`POST /v1/api-keys`) or with the `create-organisation` command.

                    **Conventions.** JSON in camelCase; ids are UUIDs; dates `yyyy-mm-dd`; instants RFC 3339 with offset;
                    enum values snake_case; lists are `{ "items": [...], "nextCursor": "..." }` with `nextCursor` null on the
                    last page; errors are RFC 9457 `application/problem+json` with a stable `type` and `code`, and a `traceId`.
                    """,
            });
            options.IncludeXmlComments(Assembly.GetExecutingAssembly(), includeControllerXmlComments: false);
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.CustomSchemaIds(SchemaNames.For);
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "CaseApi key (cak_…)",
                Description = "An API key, sent as `Authorization: Bearer cak_…`.",
            });
            options.AddSecurityDefinition(FeedTokenScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = "token",
                Description = "A calendar feed token (`caf_…`) from `POST /v1/calendar-feeds`, in the URL: calendar clients cannot send headers. API keys do not open feeds.",
            });
            options.SchemaFilter<OptionalFieldsSchemaFilter>();
            options.OperationFilter<AuthorizationOperationFilter>();
            options.OperationFilter<ProblemResponsesOperationFilter>();
            options.SchemaFilter<NullableReferencesSchemaFilter>();
            options.SchemaFilter<ProblemDetailsSchemaFilter>();
            options.SchemaFilter<Examples.TextExamplesSchemaFilter>();
            options.OperationFilter<Examples.ExamplesOperationFilter>();
            options.DocumentFilter<DocumentInfoFilter>();
            options.OperationFilter<ValidatorConstraintsOperationFilter>();
            options.OperationFilter<QueryParametersOperationFilter>();
            options.OperationFilter<ResponseHeadersOperationFilter>();
            options.SchemaFilter<MergePatchNullabilitySchemaFilter>();
        });
        services.AddSingleton<ValidatorConstraintReport>();
        // Swashbuckle reads MVC's JSON options by default; the API serialises with the minimal-API options.
        services.AddTransient<ISerializerDataContractResolver>(provider => new OptionalAwareContractResolver(new JsonSerializerDataContractResolver(
            provider.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions)));
        return services;
    }

    /// <summary>A PATCH field <see cref="Optional{T}"/> is, on the wire, just its value, which may be left out.</summary>
    private sealed class OptionalAwareContractResolver(ISerializerDataContractResolver inner) : ISerializerDataContractResolver
    {
        public DataContract GetDataContractForType(Type type) =>
            inner.GetDataContractForType(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>) ? type.GetGenericArguments()[0] : type);
    }

    /// <summary>
    /// PATCH bodies are JSON Merge Patch: a field left out stays as it is, so no <see cref="Optional{T}"/> field is required.
    /// (Being structs, they would otherwise count as non-nullable and be marked required.)
    /// </summary>
    private sealed class OptionalFieldsSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Required.Count: > 0 } concrete)
            {
                return;
            }

            foreach (var property in context.Type.GetProperties().Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Optional<>)))
            {
                concrete.Required.Remove(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name));
            }
        }
    }

    /// <summary>Marks operations that need a key with the lock icon and documents their 401 and 403.</summary>
    private sealed class AuthorizationOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
            var isFeed = policies.Contains(FeedTokenAuthenticationHandler.Policy);
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(isFeed ? FeedTokenScheme : BearerScheme, context.Document)] = [],
            });
            operation.Responses ??= [];
            ProblemResponsesOperationFilter.Add(operation, context, "401", isFeed ? "No feed token, or an unknown or revoked one." : "No API key, or an unknown, revoked or expired one.");
            if (policies.Contains(Policies.Write) || policies.Contains(Policies.Admin) || policies.Contains(Policies.PersonalData))
            {
                ProblemResponsesOperationFilter.Add(operation, context, "403", "The key's role may not do this.");
            }
        }
    }

    /// <summary>Documents the problem responses that follow from an operation's shape, the same way on every route.</summary>
    private sealed class ProblemResponsesOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var description = context.ApiDescription;
            // Path ids too: one that is not a UUID is a 400 naming the parameter, not a 404 (issue 14).
            var takesInput = description.ParameterDescriptions.Any(p => p.Source.Id is "Body" or "Form" or "FormFile" or "Query" or "Path");
            if (takesInput)
            {
                Add(operation, context, "400", "Malformed JSON, a field of the wrong type, an unknown field, a field given twice, an invalid value, or an id in the path that is not a UUID; `errors` names each field or parameter.", typeof(HttpValidationProblemDetails));
            }

            if (description.ParameterDescriptions.Any(p => p.Source.Id == "Path"))
            {
                Add(operation, context, "404", "No such resource in your organisation.");
            }

            if (description.ParameterDescriptions.Any(p => p.Source.Id == "Body"))
            {
                Add(operation, context, "413", "The body is larger than the limit.");
                Add(operation, context, "415", "The body is not `application/json`.");
            }

            if (description.ParameterDescriptions.Any(p => p.Source.Id is "Form" or "FormFile"))
            {
                Add(operation, context, "413", "The upload is larger than the limit.");
                Add(operation, context, "415", "The body is not `multipart/form-data`, or the file is not of a type accepted here.");
            }

            if (description.HttpMethod is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                // Unique, foreign-key and check constraints guard every write, so any write can meet them.
                Add(operation, context, "409", "The change conflicts with the resource's current state or with a unique value; `code` says which.");
                Add(operation, context, "422", "The request refers to something that cannot be used here, or reuses an `Idempotency-Key` with another body; `code` says which.");
            }

            // Bound from the header so that Swagger UI offers it; the handler answers 428 without it, so it is required.
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "If-Match" && p.In == ParameterLocation.Header) is { } ifMatch)
            {
                ifMatch.Required = true;
                ifMatch.Description = "The `ETag` of your last read of the resource, so that you do not overwrite a change you have not seen; `*` for whatever version is current.";
                ifMatch.Example = System.Text.Json.Nodes.JsonValue.Create("\"1\"");
                Add(operation, context, "412", "The resource has changed since the `ETag` you sent; read it again and reapply your change.");
                Add(operation, context, "428", "No `If-Match`: send the `ETag` of your last read.");
            }

            if (description.HttpMethod == "POST")
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyRequest.Header,
                    In = ParameterLocation.Header,
                    Description = "Any unique string (a UUID is best). A retry with the same key and body, by the same API key, within 24 hours returns the first response instead of acting twice; the same key with another body, or from another API key, gets 422. A response that held a secret, or personal data erased since, is not replayed: 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKeyFilter.MaxLength },
                });
            }

            Add(operation, context, "429", "Too many requests from this API key (or calendar feed, or address when no key is sent); see `Retry-After`.");
            Add(operation, context, "500", "An unexpected error; quote the `traceId` when reporting it.");
            // Retry-After on 429 and 503 is declared with the other response headers (ResponseHeadersOperationFilter).
            Add(operation, context, "503", "The database is unavailable (`database_unavailable`); retry after the seconds in `Retry-After`.");
        }

        public static void Add(
            OpenApiOperation operation, OperationFilterContext context, string status, string description, Type? schema = null)
        {
            operation.Responses ??= [];
            if (operation.Responses.ContainsKey(status))
            {
                return;
            }

            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = context.SchemaGenerator.GenerateSchema(schema ?? typeof(ProblemDetails), context.SchemaRepository) },
                },
            };
        }
    }
}
