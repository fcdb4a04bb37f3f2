using CaseApi.Infrastructure.Mediation;

namespace CaseApi.Infrastructure.Http;

/// <summary>Hands a POST's <c>Idempotency-Key</c> to the idempotency behaviour of the command it sends.</summary>
public sealed class IdempotencyKeyFilter(IdempotencyRequest idempotency) : IEndpointFilter
{
    public const int MaxLength = 200;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method) && request.Headers.TryGetValue(IdempotencyRequest.Header, out var values))
        {
            var key = values.ToString();
            if (key.Length is 0 or > MaxLength || key.Any(c => c is < ' ' or > '~'))
            {
                var message = $"{IdempotencyRequest.Header} must be 1 to {MaxLength} printable ASCII characters, e.g. a UUID.";
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_idempotency_key", message,
                    new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyRequest.Header] = [message] } });
            }

            idempotency.Key = key;
        }

        return next(context);
    }
}
