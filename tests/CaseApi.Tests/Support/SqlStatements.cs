using System.Diagnostics;

namespace CaseApi.Tests.Support;

/// <summary>
/// How many SQL statements one request runs, counted from Npgsql's own tracing (activity source <c>Npgsql</c>, one
/// activity per command) by the trace id the request is sent with; requests of tests running alongside have other ids.
/// </summary>
public static class SqlStatements
{
    public static async Task<(HttpResponseMessage Response, int Statements)> CountAsync(HttpClient client, string path)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var statements = 0;
        using var listener = new ActivityListener
        {
            // ASP.NET Core's request activity adopts the traceparent; Npgsql's commands are its children.
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == traceId)
                {
                    Interlocked.Increment(ref statements);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await client.SendAsync(request);
        return (response, Volatile.Read(ref statements));
    }
}
