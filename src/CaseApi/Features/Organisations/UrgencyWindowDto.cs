using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using FluentValidation;

namespace CaseApi.Features.Organisations;

/// <summary>Where an effective urgency window comes from.</summary>
public enum UrgencyWindowOrigin
{
    /// <summary>The court's practice as the catalogue records it (<c>urgencyPractices</c> at <c>GET /v1/deadline-rules</c>).</summary>
    Default,

    /// <summary>Set by the organisation for its cases before this court.</summary>
    Organisation,
}

/// <summary>The urgency window (UWG § 12(1)) an <c>infringement_known</c> trigger naming this court opens, and where it comes from.</summary>
public sealed record UrgencyWindowDto : IVersioned
{
    /// <summary>The Oberlandesgericht (its code in <c>GET /v1/courts</c>).</summary>
    /// <example>de-olg-koeln</example>
    public required string Court { get; init; }

    /// <summary>The court's name.</summary>
    /// <example>OLG Köln</example>
    public required string Name { get; init; }

    /// <summary>The window in effect for the organisation's cases (ISO 8601).</summary>
    /// <example>P6W</example>
    public required string Period { get; init; }

    /// <summary>Whether the organisation set it or it is the court's default.</summary>
    public UrgencyWindowOrigin Origin { get; init; }

    /// <summary>The organisation's reason or source for its window; null for the default.</summary>
    /// <example>Senate 6 accepted six weeks in our last three cases (6 W 12/26).</example>
    public string? Reason { get; init; }

    /// <summary>The court's published practice, the default without the organisation's window.</summary>
    /// <example>P1M</example>
    public required string DefaultPeriod { get; init; }

    /// <summary>The decisions the default rests on, or that none was found.</summary>
    public required string DefaultSource { get; init; }

    /// <summary>False where no decision on the court's window was found and the default is the safe one month.</summary>
    public bool DefaultSourced { get; init; }

    /// <summary>The organisation's window's version, for <c>If-Match</c>; 0 while the default applies.</summary>
    public int Version { get; init; }

    /// <summary>When the organisation last set it; null for the default.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>The window that applies at a court; <paramref name="RegionalCourt"/> names the Landgericht it was asked for, below the window's Oberlandesgericht.</summary>
public sealed record AppliedUrgencyWindow(UrgencyWindowDto Window, string? RegionalCourt);

/// <summary>The organisation's windows per court, over the catalogue's defaults: one reader for the list, the changes and the deadline chain.</summary>
public static class UrgencyWindows
{
    /// <summary>An organisation's window: at least two weeks (a court would hardly call less waiting), at most three months (beyond any court's practice).</summary>
    public static readonly DeadlinePeriod Shortest = new(0, 0, 2, 0);

    public static readonly DeadlinePeriod Longest = new(0, 3, 0, 0);

    private sealed record CourtRow
    {
        public required string Name { get; init; }

        public string? HigherRegionalCourtCode { get; init; }
    }

    private sealed record Row
    {
        public required string CourtCode { get; init; }

        public required string Period { get; init; }

        public required string Reason { get; init; }

        public int Version { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }
    }

    public static async Task<IReadOnlyList<UrgencyWindowDto>> ListAsync(DbSession db, CancellationToken ct)
    {
        var own = (await db.QueryAsync<Row>("""
            SELECT court_code, period, reason, version, updated_at FROM organisation_urgency_windows WHERE organisation_id = current_organisation_id()
            """, ct: ct)).ToDictionary(row => row.CourtCode, StringComparer.Ordinal);
        return DeadlineRuleCatalogue.UrgencyPractices.Select(practice => Effective(practice, own.GetValueOrDefault(practice.Court))).ToArray();
    }

    /// <summary>The window for the Oberlandesgericht <paramref name="court"/>: the organisation's where set, else the court's practice; null for another code.</summary>
    public static async Task<UrgencyWindowDto?> ForCourtAsync(DbSession db, string court, CancellationToken ct)
    {
        if (DeadlineRuleCatalogue.Practice(court) is not { } practice)
        {
            return null;
        }

        var own = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT court_code, period, reason, version, updated_at FROM organisation_urgency_windows
            WHERE organisation_id = current_organisation_id() AND court_code = @court
            """, new { court }, ct);
        return Effective(practice, own);
    }

    /// <summary>
    /// The window that applies to an application made to <paramref name="court"/>: an Oberlandesgericht's own; at a Landgericht, the one of the
    /// Oberlandesgericht above it (GVG § 119(1) no. 2: it hears the appeals and complaints, and the Landgericht follows its case law on urgency),
    /// with the Landgericht's name. Null for an unknown code and for courts of other kinds.
    /// </summary>
    public static async Task<AppliedUrgencyWindow?> AtCourtAsync(DbSession db, string court, CancellationToken ct)
    {
        var found = await db.QuerySingleOrDefaultAsync<CourtRow>("""
            SELECT name, higher_regional_court_code FROM courts WHERE code = @court AND kind IN ('higher_regional_court', 'regional_court')
            """, new { court }, ct);
        return found is null || await ForCourtAsync(db, found.HigherRegionalCourtCode ?? court, ct) is not { } window
            ? null
            : new AppliedUrgencyWindow(window, found.HigherRegionalCourtCode is null ? null : found.Name);
    }

    /// <summary>
    /// A 404 naming the code unless it is an Oberlandesgericht of the catalogue: only these have a window. For a Landgericht the 404 names
    /// the Oberlandesgericht above it, whose window applies there: one window per appellate district, as the list shows them.
    /// </summary>
    public static async Task RequirePracticeAsync(DbSession db, string court, CancellationToken ct)
    {
        if (DeadlineRuleCatalogue.Practice(court) is not null)
        {
            return;
        }

        var above = await db.QuerySingleOrDefaultAsync<string>("SELECT higher_regional_court_code FROM courts WHERE code = @court", new { court }, ct);
        throw new ApiProblemException(StatusCodes.Status404NotFound, "not_found", above is null
            ? $"No Oberlandesgericht with the code '{court}': one of {string.Join(", ", DeadlineRuleCatalogue.UrgencyPractices.Select(p => p.Court))}."
            : $"'{court}' is a Landgericht: the window of the Oberlandesgericht above it applies there (GVG § 119(1) no. 2); set it for '{above}'.");
    }

    /// <summary>A period that parses and lies between <see cref="Shortest"/> and <see cref="Longest"/> from any day of a year (months differ in length).</summary>
    public static IRuleBuilderOptions<T, string?> IsUrgencyWindow<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().Must(text => DeadlinePeriod.TryParse(text, out var period) && WithinBounds(period))
            .WithMessage("Must be an ISO 8601 period of at least two weeks and at most three months, e.g. P6W or P2M.");

    private static bool WithinBounds(DeadlinePeriod period)
    {
        for (var day = new DateOnly(2027, 1, 1); day.Year == 2027; day = day.AddDays(1))
        {
            var end = period.LastDayFrom(day);
            if (end < Shortest.LastDayFrom(day) || end > Longest.LastDayFrom(day))
            {
                return false;
            }
        }

        return true;
    }

    private static UrgencyWindowDto Effective(UrgencyPractice practice, Row? own) => new()
    {
        Court = practice.Court, Name = practice.Name, Period = own?.Period ?? practice.Period,
        Origin = own is null ? UrgencyWindowOrigin.Default : UrgencyWindowOrigin.Organisation, Reason = own?.Reason,
        DefaultPeriod = practice.Period, DefaultSource = practice.Source, DefaultSourced = practice.Sourced, Version = own?.Version ?? 0, UpdatedAt = own?.UpdatedAt,
    };
}
