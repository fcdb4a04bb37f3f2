using Microsoft.AspNetCore.Builder;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// The process the load benchmark drives: the API composed as Program.cs composes it (<see cref="CaseApiSetup"/>),
/// configured from its environment like any instance, plus the bare <see cref="BaselineEndpoints"/>. The benchmark
/// starts it as <c>CaseApi.Benchmarks serve</c>, so it runs the build the benchmark runs (Release).
/// </summary>
internal static class BenchmarkHost
{
    public const string Verb = "serve";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddCaseApi();
        var app = builder.Build();
        app.UseCaseApi();
        BaselineEndpoints.Map(app);
        await app.RunAsync();
        return 0;
    }
}
