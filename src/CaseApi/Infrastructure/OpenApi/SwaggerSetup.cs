using System.Reflection;
using CaseApi.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

public static class SwaggerSetup
{
    public const string DocumentName = "v1";
    private const string BearerScheme = "bearer";

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
            options.CustomSchemaIds(SchemaId);
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "CaseApi key (cak_…)",
                Description = "An API key, sent as `Authorization: Bearer cak_…`.",
            });
            options.OperationFilter<AuthorizationOperationFilter>();
        });
        return services;
    }

    /// <summary>Nested request types are all called Command or Query; name them by their use case (CreateApiKeyCommand).</summary>
    private static string SchemaId(Type type)
    {
        var name = type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}Of{string.Concat(type.GetGenericArguments().Select(SchemaId))}"
            : type.Name;
        return type.DeclaringType is { } outer && !type.IsGenericType ? $"{outer.Name}{name}" : name;
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

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or an unknown, revoked or expired one." });
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
            if (policies.Contains(Policies.Write) || policies.Contains(Policies.Admin))
            {
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's role may not do this." });
            }
        }
    }
}
