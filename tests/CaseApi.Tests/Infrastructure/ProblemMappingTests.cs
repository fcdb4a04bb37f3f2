using CaseApi.Infrastructure.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Failures that no route of this release provokes yet still map to their documented problems.</summary>
public sealed class ProblemMappingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    public static TheoryData<Exception, int, string> Failures => new()
    {
        { new PostgresException("duplicate", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), 409, "duplicate" },
        { new PostgresException("fk", "ERROR", "ERROR", PostgresErrorCodes.ForeignKeyViolation), 422, "unknown_reference" },
        { new PostgresException("check", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation), 422, "constraint_violated" },
        { new ApiProblemException(412, "precondition_failed", "stale"), 412, "precondition_failed" },
        { new ApiProblemException(428, "precondition_required", "send If-Match"), 428, "precondition_required" },
        // What requests meet while PostgreSQL is down, stopping or starting, or too busy to hand out a connection.
        { new NpgsqlException("connection refused", new System.Net.Sockets.SocketException(111)), 503, "database_unavailable" },
        { new NpgsqlException("Exception while reading from stream", new IOException("connection reset")), 503, "database_unavailable" },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), 503, "database_unavailable" },
        { new PostgresException("terminating connection due to crash of another server process", "FATAL", "FATAL", PostgresErrorCodes.CrashShutdown), 503, "database_unavailable" },
        { new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow), 503, "database_unavailable" },
        { new PostgresException("sorry, too many clients already", "FATAL", "FATAL", PostgresErrorCodes.TooManyConnections), 503, "database_unavailable" },
        { new NpgsqlException("The connection pool has been exhausted", new TimeoutException()), 503, "database_unavailable" },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")), 503, "database_unavailable" },
        { new InvalidOperationException("secret internals"), 500, "internal_error" },
    };

    /// <summary>
    /// With and without Accept, and with Accepts that leave out JSON: the framework's writer declined those, and the
    /// handler then wrote nothing (issue 14).
    /// </summary>
    public static TheoryData<Exception, int, string, string?> FailuresByAccept()
    {
        var data = new TheoryData<Exception, int, string, string?>();
        foreach (var row in Failures)
        {
            foreach (var accept in new[] { null, "*/*", "text/html", "application/pdf", "text/calendar", "application/xml" })
            {
                data.Add((Exception)row[0], (int)row[1], (string)row[2], accept);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FailuresByAccept))]
    public async Task Each_failure_maps_to_its_status_and_stable_code_as_problem_json(Exception failure, int status, string code, string? accept)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Accept = accept;
        context.Response.Body = new MemoryStream();
        var handler = scope.ServiceProvider.GetServices<IExceptionHandler>().OfType<ProblemExceptionHandler>().Single();

        Assert.True(await handler.TryHandleAsync(context, failure, CancellationToken.None));

        context.Response.Body.Position = 0;
        var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType?.Split(';')[0]);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
        Assert.Equal($"urn:caseapi:problem:{code}", problem.RootElement.GetProperty("type").GetString());
        Assert.DoesNotContain("secret internals", problem.RootElement.ToString(), StringComparison.Ordinal);
        // Only an unavailable database says when to come back.
        Assert.Equal(status == 503 ? ProblemExceptionHandler.DatabaseRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
            context.Response.Headers.RetryAfter.ToString());
    }
}
