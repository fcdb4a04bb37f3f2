using CaseApi.Benchmarks.Scenarios;
using CaseApi.Benchmarks.Scenarios.Load;
using CaseApi.Benchmarks.Support;
using CaseApi.Infrastructure.Data;

// Benchmarks are programs, not tests: they take minutes, measure time on the machine they run on, and report
// rather than pass or fail on speed. They exit non-zero only when what they measured was wrong (README: "Benchmarks").
Scenario[] scenarios = [EscalationSweep.Definition, LoadBenchmark.Definition];
const string defaultScenario = "escalation";

// The process the load benchmark starts and drives, not a scenario of its own.
if (args.Length > 0 && args[0] == BenchmarkHost.Verb)
{
    return await BenchmarkHost.RunAsync(args[1..]);
}

var name = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : defaultScenario;
var rest = args.Length > 0 && name == args[0] ? args[1..] : args;
var scenario = scenarios.SingleOrDefault(s => s.Name == name);
if (scenario is null || rest.Contains("--help"))
{
    Console.Error.WriteLine("Usage: dotnet run -c Release --project tests/CaseApi.Benchmarks -- [scenario] [options]");
    foreach (var s in scenarios)
    {
        Console.Error.WriteLine($"  {s.Name}{(s.Name == defaultScenario ? " (default)" : "")}: {s.Description}");
        Console.Error.WriteLine($"    options: {string.Join(" ", s.ValueOptions.Select(o => $"--{o} N").Concat(s.Flags.Select(f => $"--{f}")))}");
    }

    Console.Error.WriteLine(
        $"PostgreSQL: {BenchmarkServer.ServerVariable} (a superuser connection string), else a throwaway cluster from the machine's binaries.");
    return scenario is null ? 64 : 0;
}

var options = BenchmarkOptions.Parse(rest, scenario, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 64;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return await scenario.RunAsync(options, cancel.Token);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 64;
}
catch (PostgresNotInstalledException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
