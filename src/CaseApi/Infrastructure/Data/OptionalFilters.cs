using System.Collections.Concurrent;

namespace CaseApi.Infrastructure.Data;

/// <summary>
/// A list's SQL as one statement text per combination of the filters a request gives, each built once. One text for
/// all, with <c>@x IS NULL OR col = @x</c> for each filter, keeps PostgreSQL from reusing a plan: it plans every
/// execution for its parameters, and for a page of 50 rows planning cost as much as running (issue 16).
/// </summary>
/// <param name="build">The statement for the conditions of the filters given, each to be joined with AND.</param>
/// <param name="conditions">One condition per filter, in the order <see cref="Sql"/> is told which are given.</param>
internal sealed class OptionalFilters(Func<string, string> build, params string[] conditions)
{
    private readonly ConcurrentDictionary<int, string> statements = new();

    /// <summary>The statement for the filters given, one flag per condition.</summary>
    public string Sql(params bool[] given)
    {
        if (given.Length != conditions.Length)
        {
            throw new ArgumentException($"{conditions.Length} filters, told about {given.Length}.", nameof(given));
        }

        var key = given.Select((g, i) => g ? 1 << i : 0).Sum();
        return statements.GetOrAdd(key, k => build(string.Concat(conditions.Where((_, i) => (k & (1 << i)) != 0).Select(c => $"\n  AND {c}"))));
    }
}
