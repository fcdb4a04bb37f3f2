using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Organisations;

/// <summary>The organisation an API key belongs to, and the settings its deadlines are computed with.</summary>
public sealed record OrganisationDto : IVersioned
{
    internal const string Columns = "id, name, postal_address, jurisdiction, time_zone, local_holidays, version, created_at";

    /// <summary>The organisation's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Its name.</summary>
    /// <example>Verbraucherzentrale NRW</example>
    public required string Name { get; init; }

    /// <summary>
    /// Its postal address, one line per line of the envelope: the letterhead of its letters as PDF. The last line is the
    /// postcode and town; the town (without the postcode) is the place in the letters' date line. Null until set.
    /// </summary>
    /// <example>Helmholtzstraße 19&#10;40215 Düsseldorf</example>
    public string? PostalAddress { get; init; }

    /// <summary>Whose public holidays deadlines skip: an ISO 3166-1 country, or an ISO 3166-2 region where holidays differ by region.</summary>
    /// <example>DE-NW</example>
    public required string Jurisdiction { get; init; }

    /// <summary>The IANA time zone in which a day ends at 24:00 for its deadlines.</summary>
    /// <example>Europe/Berlin</example>
    public required string TimeZone { get; init; }

    /// <summary>
    /// The municipality's own holidays on top of the jurisdiction's, for deadlines that follow the organisation's calendar:
    /// additions (Augsburg's 8 August, FTG Art. 1(2)) and, with <c>observed: false</c>, the jurisdiction's holidays the
    /// municipality does not keep (15 August in Nuremberg, FTG Art. 1(1) no. 2). Empty by default.
    /// </summary>
    public IReadOnlyList<LocalHoliday> LocalHolidays { get; init; } = [];

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was set up in CaseApi.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
