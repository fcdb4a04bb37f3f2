namespace CaseApi.Features.Organisations;

/// <summary>The organisation an API key belongs to.</summary>
public sealed record OrganisationDto
{
    internal const string Columns = "id, name, created_at";

    /// <summary>The organisation's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Its name.</summary>
    /// <example>Verbraucherzentrale NRW</example>
    public required string Name { get; init; }

    /// <summary>When it was set up in CaseApi.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
