namespace CaseApi.Tests.Fuzzing;

/// <summary>What a run saw: answers by status, and violations, the first few of each kind in full so that a failure can be replayed.</summary>
public sealed class FuzzReport(ulong seed)
{
    private const int ExamplesPerKind = 2;

    private readonly SortedDictionary<int, int> statuses = [];
    private readonly Dictionary<string, int> successes = [];
    private readonly Dictionary<string, int> kinds = [];
    private readonly List<string> examples = [];

    public int Requests { get; private set; }

    public int Violations => kinds.Values.Sum();

    /// <summary>Totals by status, and the operations no request got through to (their handlers were fuzzed only up to validation).</summary>
    public string Summary =>
        $"Statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value:N0}"))}. Never 2xx: {string.Join(", ", successes.Where(s => s.Value == 0).Select(s => s.Key).DefaultIfEmpty("none"))}.";

    public void Count(ContractOperation operation, FuzzResponse response)
    {
        Requests++;
        statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
        successes[operation.OperationId] = successes.GetValueOrDefault(operation.OperationId) + (response.IsSuccess ? 1 : 0);
    }

    public void Add(ContractOperation operation, string violation, string evidence)
    {
        var kind = $"{operation.OperationId}: {violation[..Math.Min(violation.Length, 40)]}";
        kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        if (kinds[kind] <= ExamplesPerKind)
        {
            examples.Add($"{operation.OperationId} (replay: FUZZ_SEED={seed} FUZZ_OPERATIONS={operation.OperationId}): {violation}\n{evidence}\n");
        }
    }

    public override string ToString() => $"{Violations} violations of {kinds.Count} kinds in {Requests:N0} requests, seed {seed}:\n\n{string.Join("\n", examples)}";
}
