using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Infrastructure.Http;

public static class ProblemDetailsSetup
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        // Before AddProblemDetails: the service asks its writers in order, and this one writes every problem.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var (code, title) = Problems.ForStatus(status);
            if (!problem.Extensions.TryGetValue("code", out var existing) || existing is not string)
            {
                problem.Extensions["code"] = code;
            }

            // Replace the framework's about:blank / RFC-section links with our stable types.
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal) || problem.Type == "about:blank")
            {
                problem.Type = Problems.TypeOf((string)problem.Extensions["code"]!);
            }

            problem.Title ??= title;
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever <c>Accept</c> says. The framework's writer declines
/// when <c>Accept</c> leaves out JSON (Swagger UI sends <c>text/html</c> or <c>application/pdf</c>, calendar clients
/// <c>text/calendar</c>); errors then went out as empty bodies, as <c>text/plain</c>, or as an empty 500 where a 404 was
/// due (issue 14). An error has no other representation, and RFC 9110 §12.5.1 lets a server disregard Accept rather
/// than answer 406.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json"));
    }
}

/// <summary>Turns every exception into problem+json. Only expected failures say what went wrong; the rest say only the trace id.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>
    /// Sent as <c>Retry-After</c> while the database is unavailable: a PostgreSQL restart, its crash recovery or a
    /// failover takes seconds, and clients that all retry at once would only prolong it.
    /// </summary>
    public const int DatabaseRetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception);
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // Expected while PostgreSQL is down, for every request: one line each, without a stack trace, so that an outage
            // does not bury the log.
            logger.LogWarning("Database unavailable on {Method} {Path}, trace {TraceId}: {Reason}",
                httpContext.Request.Method, httpContext.Request.Path, traceId, Reasons(exception));
            httpContext.Response.Headers.RetryAfter = DatabaseRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        else if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.Challenge;
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}, trace {TraceId}", httpContext.Request.Method, httpContext.Request.Path, traceId);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Map(Exception exception) => exception switch
    {
        ValidationException validation => Invalid(
            validation.Errors
                .GroupBy(e => JsonPath(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray())),
        BadHttpRequestException { InnerException: JsonException json } => JsonProblem(json),
        BadHttpRequestException bad when BindFailure.Match(bad.Message) is { Success: true } failure =>
            Invalid(new() { [failure.Groups["name"].Value] = [$"'{failure.Groups["value"].Value}' is not a valid value here."] }),
        BadHttpRequestException bad when ReadFailure.Match(bad.Message) is { Success: true } failure =>
            Invalid(new() { [failure.Groups["name"].Value] = [$"Could not be read from the request body as {failure.Groups["what"].Value}."] }),
        BadHttpRequestException bad => Problem(bad.StatusCode, bad.StatusCode == 413 ? "payload_too_large" : "bad_request", bad.Message),
        ApiProblemException api => WithExtensions(Problem(api.Status, api.Code, api.Message), api.Extensions),
        // A key this instance remembered, revoked since (ApiKeyCache): the statement that confirmed it rolled back with the rest.
        PostgresException { SqlState: ApiKeyAuthenticationHandler.RevokedSqlState } =>
            Problem(401, Problems.ForStatus(401).Code, ApiKeyAuthenticationHandler.Revoked),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg =>
            Problem(409, "duplicate", $"A resource with the same unique value already exists ({pg.ConstraintName}).")
        ,
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } =>
            Problem(422, "unknown_reference", "The request refers to a resource that does not exist or cannot be used."),
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } pg =>
            Problem(422, "constraint_violated", $"The request breaks a rule of the data ({pg.ConstraintName})."),
        // Refused or broken connections, a server shutting down (57P01, 57P02) or starting up (57P03), an exhausted pool,
        // and connect and command timeouts: all transient to Npgsql.
        NpgsqlException { IsTransient: true } or TimeoutException =>
            Problem(503, "database_unavailable", "The database is unavailable; retry after the seconds in Retry-After."),
        OperationCanceledException => Problem(499, "cancelled", "The request was cancelled."),
        _ => Problem(500, "internal_error", "An unexpected error occurred. Quote the trace id when reporting it."),
    };

    private static string Reasons(Exception exception) =>
        exception.InnerException is { } inner ? $"{exception.Message} ({Reasons(inner)})" : exception.Message;

    // Minimal APIs report route and query binding failures only as text: 'Failed to bind parameter "int? limit" from "abc".'
    // Empty names too: a JSON member "" is unknown like any other.
    private static readonly Regex QuotedNames = new("'(?<name>[^']*)'", RegexOptions.Compiled);

    private static readonly Regex ReadFailure = new("""^Failed to read parameter "(?:[^"]* )?(?<name>\w+)" from the request body as (?<what>[^.]+)\.$""", RegexOptions.Compiled);

    private static readonly Regex BindFailure = new("""^Failed to bind parameter "(?:[^"]* )?(?<name>\w+)" from "(?<value>.*)"\.$""", RegexOptions.Compiled);

    private static HttpValidationProblemDetails Invalid(Dictionary<string, string[]> errors, string code = "validation_failed", string title = "One or more fields are invalid.") =>
        new(errors) { Status = StatusCodes.Status400BadRequest, Title = title, Extensions = { ["code"] = code } };

    /// <summary>
    /// A body that is not JSON, or has a value of the wrong type, an unknown field or one given twice, is malformed. A
    /// date out of <see cref="DateBounds"/> is well-formed: a value to correct, reported as a validator would.
    /// </summary>
    // A date out of bounds or a required field left out is well-formed JSON that breaks the contract, like an empty field
    // (issue 14, point 5); the rest is a body the operation cannot read.
    private static HttpValidationProblemDetails JsonProblem(JsonException json) =>
        Unwrap(json).Failure is var failure && (failure is DateOutOfBoundsException || IsMissingRequired(failure))
        ? Invalid(JsonErrors(json))
        : Invalid(JsonErrors(json), "malformed_body", "The request body is not valid JSON for this operation.");

    private static ProblemDetails Problem(int status, string code, string detail) => new()
    {
        Status = status,
        Title = Problems.ForStatus(status).Title,
        Detail = detail,
        Extensions = { ["code"] = code },
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, IReadOnlyDictionary<string, object?> extensions)
    {
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>FluentValidation names C# members (<c>Items[0].DueDate</c>); clients know JSON fields (<c>items[0].dueDate</c>).</summary>
    private static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    /// <summary>System.Text.Json's messages name .NET types; say which field is wrong, in the client's terms.</summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var (failure, fullPath) = Unwrap(json);
        var field = fullPath is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "$";
        var message = failure.Message;
        if (IsMissingRequired(failure))
        {
            // The path is the object that lacks them: complainants[0].name, not name.
            return QuotedNames.Matches(message[message.IndexOf("including:", StringComparison.Ordinal)..])
                .ToDictionary(m => field == "$" ? m.Groups["name"].Value : $"{field}.{m.Groups["name"].Value}", _ => new[] { "This field is required." });
        }

        if (message.Contains("could not be mapped", StringComparison.Ordinal) && QuotedNames.Match(message) is { Success: true } unknown)
        {
            // The path already ends in the unknown member's name; at the root it may be only "$".
            return new() { [field == "$" ? unknown.Groups["name"].Value : field] = ["This field is not part of the request."] };
        }

        return new()
        {
            [field] = [failure is DateOutOfBoundsException ? failure.Message
                : message.StartsWith("Duplicate propert", StringComparison.Ordinal) ? "This field is given more than once."
                : message.Contains("non-nullable", StringComparison.Ordinal) ? "This field must not be null."
                : json.Path is null || json.LineNumber is null ? "The body is not valid JSON."
                : "This value has the wrong type or format."],
        };
    }

    /// <summary>A failure inside a PATCH field has two paths: the body's, to the field, and the field's own, within it.</summary>
    private static bool IsMissingRequired(JsonException failure) =>
        failure.Message.Contains("missing required properties", StringComparison.Ordinal);

    private static (JsonException Failure, string? Path) Unwrap(JsonException json)
    {
        var path = json.Path;
        while (json is OptionalFieldException { InnerException: JsonException inner })
        {
            path = path is null || inner.Path is null ? path : path + inner.Path[1..];
            json = inner;
        }

        return (json, path);
    }
}
