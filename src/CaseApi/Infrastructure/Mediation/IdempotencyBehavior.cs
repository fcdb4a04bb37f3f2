using System.Security.Cryptography;
using System.Text.Json;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using MediatR;
using Microsoft.Extensions.Options;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>The <c>Idempotency-Key</c> of the current request, if the client sent one.</summary>
public sealed class IdempotencyRequest
{
    public const string Header = "Idempotency-Key";

    public string? Key { get; set; }
}

/// <summary>A command whose response holds a secret shown once: its replay cannot return it again.</summary>
public interface IHasSecretResponse;

/// <summary>
/// Replays the first response of a command retried with the same <c>Idempotency-Key</c> and body; the same key
/// with another body is a 422. Runs inside the unit of work, so the key is stored in the command's own
/// transaction: concurrent retries wait on the key's row, and a failed command leaves no key behind.
/// Keys are kept for 24 hours; after that the same key starts afresh, and the recurring purge
/// (<see cref="PurgeIdempotencyKeys"/>) deletes them with the personal data their responses may hold. A response is
/// replayed only to the API key that made the request: another key, perhaps of a role that may not read it (an
/// integration key does not see complainants), gets 422 as for another body. An erasure removes the responses that held
/// the erased person's data; their replay is a 409.
/// </summary>
public sealed class IdempotencyBehavior<TRequest, TResponse>(
    DbSession db, IdempotencyRequest idempotency, CallerContext caller, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly bool IsCommand = typeof(TRequest).GetInterfaces()
        .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>));

    private static readonly bool HasSecretResponse = typeof(IHasSecretResponse).IsAssignableFrom(typeof(TRequest));

    private sealed record StoredKey(string RequestType, byte[] RequestHash, Guid? ApiKeyId, bool ResponseErased, string? Response);

    // Without a key there is nothing to look up or store: the handler runs without an async frame of this behaviour around it.
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next) =>
        IsCommand && idempotency.Key is { } key && caller.OrganisationId is not null ? RunOnceAsync(request, key, next, cancellationToken) : next();

    private async Task<TResponse> RunOnceAsync(TRequest request, string key, RequestHandlerDelegate<TResponse> next, CancellationToken cancellationToken)
    {
        var options = json.Value.SerializerOptions;
        var requestType = typeof(TRequest).FullName!;
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, options));
        var now = clock.GetUtcNow();
        var claimed = await db.QuerySingleOrDefaultAsync<bool>("""
            INSERT INTO idempotency_keys AS k (organisation_id, key, request_type, request_hash, api_key_id, created_at)
            VALUES (current_organisation_id(), @key, @requestType, @hash, @apiKeyId, @now)
            ON CONFLICT (organisation_id, key) DO UPDATE
                SET request_type = excluded.request_type, request_hash = excluded.request_hash, api_key_id = excluded.api_key_id,
                    response = NULL, response_erased = false, created_at = excluded.created_at
                WHERE k.created_at < @expired
            RETURNING true
            """, new { key, requestType, hash, apiKeyId = caller.ApiKeyId, now, expired = now.AddHours(-24) }, cancellationToken);

        if (claimed)
        {
            var response = await next();
            if (!HasSecretResponse)
            {
                await db.ExecuteAsync(
                    "UPDATE idempotency_keys SET response = @response::jsonb WHERE organisation_id = current_organisation_id() AND key = @key",
                    new { key, response = JsonSerializer.Serialize(response, options) }, cancellationToken);
            }

            return response;
        }

        var stored = await db.QuerySingleAsync<StoredKey>(
            "SELECT request_type, request_hash, api_key_id, response_erased, response::text AS response FROM idempotency_keys WHERE organisation_id = current_organisation_id() AND key = @key",
            new { key }, cancellationToken);
        // Keys stored before they recorded their API key have none, and replay to nobody.
        if (stored.RequestType != requestType || !CryptographicOperations.FixedTimeEquals(stored.RequestHash, hash)
            || stored.ApiKeyId is null || stored.ApiKeyId != caller.ApiKeyId)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                $"The {IdempotencyRequest.Header} '{key}' was used for a different request, or by another API key, in the last 24 hours; use a new key for a new request.");
        }

        if (stored.ResponseErased)
        {
            throw new ConflictException("idempotent_response_erased",
                "This request already succeeded, but its response held personal data that has been erased since, so it is not replayed. Read the resource it created or changed instead.");
        }

        return stored.Response is null
            ? throw new ConflictException("idempotent_secret_not_replayable",
                "This request already succeeded, but its response held a secret that is shown only once. Revoke what it created if the secret was lost, and create a new one.")
            // Read as stored, without the bounds on what clients send: a response stored before them is still replayed.
            : JsonSerializer.Deserialize<TResponse>(stored.Response, Json.JsonSetup.Api)!;
    }
}
