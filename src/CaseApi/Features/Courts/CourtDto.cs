namespace CaseApi.Features.Courts;

/// <summary>Which kind of court.</summary>
public enum CourtKind
{
    /// <summary>The Court of Justice of the European Union (Luxembourg): preliminary references (TFEU Art. 267).</summary>
    CourtOfJusticeEu,

    /// <summary>Bundesgerichtshof: appeals on points of law (Revision, ZPO § 542) in civil matters.</summary>
    FederalCourtOfJustice,

    /// <summary>Bundesverwaltungsgericht: appeals on points of law (Revision, VwGO § 132) in administrative matters.</summary>
    FederalAdministrativeCourt,

    /// <summary>Oberlandesgericht (Kammergericht in Berlin): appeals from the Landgerichte; first instance for injunctions and representative actions of qualified entities (UKlaG § 6, VDuG § 3).</summary>
    HigherRegionalCourt,

    /// <summary>Landgericht: first instance in civil matters above the Amtsgericht's value limit.</summary>
    RegionalCourt,

    /// <summary>Oberverwaltungsgericht or Verwaltungsgerichtshof: appeals from the Verwaltungsgerichte.</summary>
    HigherAdministrativeCourt,

    /// <summary>Verwaltungsgericht: actions against a data protection authority's decision (GDPR Art. 78, BDSG § 20).</summary>
    AdministrativeCourt,
}

/// <summary>A court, from the registry CaseApi carries. Ids are the same in every installation.</summary>
public sealed record CourtDto
{
    internal const string Columns = "id, code, kind, name, city, jurisdiction, source, higher_regional_court_code AS higher_regional_court";

    /// <summary>The court's id.</summary>
    public Guid Id { get; init; }

    /// <summary>A stable code, e.g. <c>de-olg-koeln</c>.</summary>
    /// <example>de-olg-koeln</example>
    public required string Code { get; init; }

    /// <summary>Which kind of court.</summary>
    public CourtKind Kind { get; init; }

    /// <summary>Its official name.</summary>
    /// <example>Oberlandesgericht Köln</example>
    public required string Name { get; init; }

    /// <summary>Where it sits.</summary>
    /// <example>Köln</example>
    public required string City { get; init; }

    /// <summary>The jurisdiction of its seat, whose public holidays it keeps (ISO 3166-2 such as DE-NW, or a country code).</summary>
    /// <example>DE-NW</example>
    public required string Jurisdiction { get; init; }

    /// <summary>Where its name and seat come from.</summary>
    public required string Source { get; init; }

    /// <summary>
    /// For a Landgericht, the code of the Oberlandesgericht above it, which hears appeals and complaints against its decisions (GVG § 119(1)
    /// no. 2) and whose urgency window applies to applications for a preliminary injunction made to it; null for every other court.
    /// </summary>
    /// <example>de-olg-koeln</example>
    public string? HigherRegionalCourt { get; init; }
}
