using Microsoft.AspNetCore.Builder;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// The process the load benchmark drives: the API composed as Program.cs composes it (<see cref="CaseApiSetup"/>),
/// configured from its environment like any instance, plus the bare <see cref="BaselineEndpoints"/>. The benchmark
/// starts it as <c>CaseApi.Benchmarks serve</c>, so it runs the build the benchmark runs (Release). It also says how
/// much the JIT has compiled, so that the benchmark measures only once tiered compilation has settled, and how much the
/// process has allocated.
/// </summary>
internal static class BenchmarkHost
{
    public const string Verb = "serve";

    public const string RuntimeRoute = "/benchmark/runtime";

    /// <summary>
    /// Methods compiled so far (tier 0, instrumented and tier 1 each count), the time the JIT took, and the bytes allocated
    /// on the managed heap: unlike CPU time on shared cores, allocation per request hardly moves between runs of the same
    /// code, so it shows what a change to the API's own work did when the requests a second cannot tell.
    /// </summary>
    public sealed record RuntimeState(long JitMethods, double JitMilliseconds, long AllocatedBytes);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddCaseApi();
        var app = builder.Build();
        app.UseCaseApi();
        BaselineEndpoints.Map(app);
        app.MapGet(RuntimeRoute, () => new RuntimeState(System.Runtime.JitInfo.GetCompiledMethodCount(),
                System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true)))
            .AllowAnonymous();
        await app.RunAsync();
        return 0;
    }
}
