using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.ApiKeys;

public static class CreateApiKey
{
    /// <summary>A new API key.</summary>
    public sealed record Command : ICommand<CreatedApiKeyDto>, IHasSecretResponse
    {
        /// <summary>What the key is for.</summary>
        /// <example>Case system sync</example>
        public required string Name { get; init; }

        /// <summary>What the key may do.</summary>
        /// <example>integration</example>
        public required ApiKeyRole Role { get; init; }

        /// <summary>When the key stops working, at most 10 years ahead; omit for a key that does not expire.</summary>
        /// <example>2027-01-01T00:00:00+01:00</example>
        public DateTimeOffset? ExpiresAt { get; init; }
    }

    /// <summary>A key as created. <c>secret</c> is shown this once: store it now.</summary>
    /// <param name="Key">The key's record.</param>
    /// <param name="Secret">The full key to send as <c>Authorization: Bearer …</c>.</param>
    public sealed record CreatedApiKeyDto(ApiKeyDto Key, string Secret);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Name).NotEmpty().IsShortText(200);
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.ExpiresAt).IsExpiry(clock);
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, TimeProvider clock) : IRequestHandler<Command, CreatedApiKeyDto>
    {
        public async Task<CreatedApiKeyDto> Handle(Command cmd, CancellationToken ct)
        {
            var (key, secret) = await IssueApiKey.InsertAsync(db, caller.RequiredOrganisationId, cmd.Name, cmd.Role, cmd.ExpiresAt, clock.GetUtcNow(), ct);
            return new CreatedApiKeyDto(key, secret);
        }
    }

    internal static void Map(RouteGroupBuilder keys) => keys.MapPost("", async (Command cmd, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(cmd, ct);
            return Results.Created($"/v1/api-keys/{created.Key.Id}", created);
        })
        .WithName("CreateApiKey")
        .WithSummary("Create an API key")
        .WithDescription("Creates a key for a person or a system. The response carries the full key once; only its hash is stored, so it cannot be shown again.")
        .Produces<CreatedApiKeyDto>(StatusCodes.Status201Created);
}
