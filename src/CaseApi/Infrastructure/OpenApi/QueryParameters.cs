using System.Text.Json.Nodes;
using CaseApi.Features.Events;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// Minimal-API query parameters come without a word of description: here is one for each, by name, the same on every
/// list (<c>limit</c>, <c>cursor</c>), with an operation's own where a name means something else there. Their limits and
/// value sets come from the validators (<see cref="ValidatorConstraintsOperationFilter"/>); a test finds a description on
/// every query parameter, so a new one needs a line here.
/// </summary>
internal sealed class QueryParametersOperationFilter : IOperationFilter
{
    private static readonly Dictionary<string, string> ByName = new()
    {
        ["limit"] = "Items per page, 1 to 200.",
        ["cursor"] = "The `nextCursor` of the previous page; left out for the first page.",
        ["status"] = "Only those in this status.",
        ["kind"] = "Only those of this kind.",
        ["caseId"] = "Only those of this case.",
        ["defendantId"] = "Only those against this defendant.",
        ["dpaId"] = "Only those before this data protection authority.",
        ["courtId"] = "Only those before this court.",
        ["q"] = "Search text.",
        ["direction"] = "Only letters in this direction.",
        ["expand"] = "`defendants` adds each case's defendants (`id`, `legalName`), read for the whole page at once.",
    };

    private static readonly Dictionary<string, string> ByOperation = new()
    {
        ["ListApiKeys.includeRevoked"] = "Also list revoked keys.",
        ["ListCases.sort"] = "The order: `openedOn`, `updatedAt` or `reference`, with `-` in front for descending; `-openedOn` when left out.",
        ["ListCases.tag"] = "Only cases with this tag.",
        ["ListCases.q"] = "Full-text search over references, titles and summaries: words, \"quoted phrases\", -excluded words.",
        ["ListCourts.jurisdiction"] = "Only courts whose seat has this holiday jurisdiction: a country (`LU`) or an ISO 3166-2 subdivision (`DE-NW`).",
        ["ListDpas.country"] = "Only the authorities of this country (ISO 3166-1 alpha-2, e.g. `DE`), regional ones included.",
        ["ListDpas.region"] = "Only the authorities of this region (ISO 3166-2, e.g. `DE-NW`).",
        ["ListDpas.q"] = "Searches codes, names, acronyms and website addresses, every word as a prefix.",
        ["FindCompetentDpa.country"] = "Where the data subject lives (ISO 3166-1 alpha-2, e.g. `DE`); required except for `eu_institution`.",
        ["FindCompetentDpa.region"] = "Where the data subject lives (ISO 3166-2, e.g. `DE-BY`); required where the country has regional authorities for the sector.",
        ["FindCompetentDpa.sector"] = "The kind of body complained about; `private` when left out.",
        ["ListDeadlines.dueBefore"] = "Only deadlines due before this instant.",
        ["ListDeadlines.dueAfter"] = "Only deadlines due after this instant.",
        ["ListDefendants.q"] = "Searches legal names, other names and register numbers.",
        ["ListDefendants.country"] = "Only defendants registered in this country (ISO 3166-1 alpha-2, e.g. `IE`).",
        ["ListEvents.after"] = "The `nextCursor` of your last page; left out to start at the oldest event.",
        ["ListEvents.types"] = "Only events of these types, comma-separated, e.g. `letter.sent,deadline.missed`; all types when left out.",
        ["ListLetters.sentAfter"] = "Only letters sent strictly after this instant (RFC 3339 with its offset; send a `+` as `%2B`).",
        ["ListLetters.defendantId"] = "Only letters to or from this defendant.",
        ["ListLetters.dpaId"] = "Only letters to or from this data protection authority.",
        ["ListLetterTemplates.letterType"] = "Only templates for this type of letter.",
        ["GetLetterDocument.language"] = "The language of the labels, the date and the page numbers (ISO 639-1); German for an organisation in DE, AT, CH or LI when left out, else English.",
        ["ListLetterTemplates.language"] = "Only templates in this language (ISO 639-1).",
        ["ImportLetter.defendantId"] = "The sender, when a defendant; needed only when it cannot be told from the message and the case (see the description).",
        ["ImportLetter.dpaId"] = "The sender, when a data protection authority.",
        ["GetResponseTimes.groupBy"] = "One row per `defendant` (when left out) or per authority (`dpa`).",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query) ?? [])
        {
            parameter.Description ??= ByOperation.GetValueOrDefault($"{operation.OperationId}.{parameter.Name}") ?? ByName.GetValueOrDefault(parameter.Name ?? "");
            if (parameter is { Name: "limit", Schema: OpenApiSchema limit })
            {
                limit.Default = Json.Cursor.DefaultLimit;
            }

            // Bound as one string and split on commas: the document says so with a form-style array of the known types.
            if (operation.OperationId == "ListEvents" && parameter.Name == "types")
            {
                parameter.Style = ParameterStyle.Form;
                parameter.Explode = false;
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    MaxItems = EventTypes.All.Count,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = EventTypes.All.Select(type => (JsonNode)type.Name).ToList() },
                };
            }
        }
    }
}
