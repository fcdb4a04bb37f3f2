using Microsoft.AspNetCore.Builder;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// The process the load benchmark drives: the API composed as Program.cs composes it (<see cref="CaseApiSetup"/>),
/// configured from its environment like any instance, plus the bare <see cref="BaselineEndpoints"/>. The benchmark
/// starts it as <c>CaseApi.Benchmarks serve</c>, so it runs the build the benchmark runs (Release). It also says how
/// much the JIT has compiled, so that the benchmark measures only once tiered compilation has settled.
/// </summary>
internal static class BenchmarkHost
{
    public const string Verb = "serve";

    public const string JitRoute = "/benchmark/jit";

    /// <summary>Methods compiled so far (tier 0, instrumented and tier 1 each count), and the time the JIT took.</summary>
    public sealed record JitState(long Methods, double Milliseconds);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddCaseApi();
        var app = builder.Build();
        app.UseCaseApi();
        BaselineEndpoints.Map(app);
        app.MapGet(JitRoute, () => new JitState(System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds))
            .AllowAnonymous();
        await app.RunAsync();
        return 0;
    }
}
