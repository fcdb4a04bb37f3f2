using System.Text.Encodings.Web;
using System.Text.Json;
using CaseApi.Features.Cases;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// The load benchmark's baseline: the read routes as bare endpoints in the API's own process, behind the same
/// middleware and the same API-key authentication, that run the handlers' own SQL text (<see cref="CaseReader.Sql"/>,
/// <see cref="ListCases.Sql"/>, <see cref="ListDeadlines.Sql"/>) in the same read-only transaction with the caller's
/// organisation set (<see cref="DbSession"/>'s statements), through one <see cref="NpgsqlBatch"/> on the API's own
/// data source, and write the same JSON with a <see cref="Utf8JsonWriter"/>. What they leave out is what the ratio
/// measures: MediatR and its behaviours, FluentValidation, Dapper, minimal-API parameter binding, the DTOs, and the
/// round trips that <see cref="DbSession"/> spends on its statements one at a time. They take only the parameters the
/// scenarios use and check nothing: this is not production code.
/// </summary>
internal static class BaselineEndpoints
{
    public const string Prefix = "/baseline";

    /// <summary>As ASP.NET Core writes JSON responses: non-ASCII text as it is, not as \u escapes (JsonOptions' default).</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><see cref="CaseDto"/>'s properties in order, and where each is in <see cref="CaseDto.Columns"/>.</summary>
    private static readonly (JsonEncodedText Name, int Column)[] CaseFields = Fields(
        ("id", 0), ("reference", 1), ("mailToken", 2), ("title", 3), ("summary", 4), ("status", 5), ("outcome", 6), ("legalBases", 7), ("tags", 8),
        ("defendantIds", 15), ("responsibleLawyer", 9), ("openedOn", 10), ("closedOn", 11), ("complaintCount", 16), ("letterCount", 17),
        ("openDeadlineCount", 18), ("nextDeadlineId", 19), ("nextDeadlineDueAt", 20), ("version", 12), ("createdAt", 13), ("updatedAt", 14));

    /// <summary><see cref="DeadlineDto"/>'s properties, in the order of <see cref="DeadlineRow.Columns"/>.</summary>
    private static readonly (JsonEncodedText Name, int Column)[] DeadlineFields = Fields(
        ("id", 0), ("caseId", 1), ("kind", 2), ("rule", 3), ("proceedingId", 4), ("letterId", 5), ("complaintId", 6), ("defendantId", 7), ("dpaId", 8),
        ("startsOn", 9), ("period", 10), ("dueDate", 11), ("dueAt", 12), ("computation", 13), ("status", 14), ("metAt", 15), ("metByLetterId", 16),
        ("waivedReason", 17), ("version", 18), ("createdAt", 19), ("updatedAt", 20));

    public static void Map(WebApplication app)
    {
        var baseline = app.MapGroup(Prefix).RequireAuthorization(Policies.Read);
        baseline.MapGet("/cases/{id:guid}", GetCaseAsync);
        baseline.MapGet("/cases", ListCasesAsync);
        baseline.MapGet("/deadlines", ListDeadlinesAsync);
    }

    private static async Task GetCaseAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var id = Guid.Parse((string)context.Request.RouteValues["id"]!);
        await using var connection = await OpenAsync(context, ct);
        await using (var batch = ReadOnlyBatch(context, connection, CaseReader.Sql, genericPlan: false))
        {
            batch.BatchCommands[^1].Parameters.Add(new NpgsqlParameter<Guid>("id", id));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.ETag = EntityTags.Of(reader.GetInt32(CaseColumn.Version));
            await using var json = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
            WriteObject(json, reader, CaseFields);
            json.Flush();
        }
    }

    private static Task ListCasesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var list = new ListCases.Query(Cursor.DefaultLimit, query["cursor"], ListCases.DefaultSort, query["status"], null, null, null);
        Cursor.TryDecode<ListCases.Key>(list.Cursor, out var after);
        // The handler's statement for this filter combination names only the parameters it uses.
        NpgsqlParameter[] parameters = after is null
            ? []
            : [new NpgsqlParameter<string>("afterValue", after.Value), new NpgsqlParameter<Guid>("afterId", after.Id)];
        return ListAsync(context, ListCases.Sql(list), ListCases.GenericPlanFits(list),
            list.Status is null ? parameters : [.. parameters, new NpgsqlParameter<string>("status", list.Status)],
            CaseFields,
            last => Cursor.Encode(new ListCases.Key(ListCases.DefaultSort,
                last.GetFieldValue<DateOnly>(CaseColumn.OpenedOn).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                last.GetGuid(CaseColumn.Id))));
    }

    private static Task ListDeadlinesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var list = new ListDeadlines.Query(Cursor.DefaultLimit, query["cursor"], query["status"], null, null, null);
        Cursor.TryDecode<ListDeadlines.Key>(list.Cursor, out var after);
        NpgsqlParameter[] parameters = after is null
            ? []
            : [new NpgsqlParameter<DateTimeOffset>("afterAt", after.DueAt), new NpgsqlParameter<Guid>("afterId", after.Id)];
        return ListAsync(context, ListDeadlines.Sql(list), genericPlan: true,
            list.Status is null ? parameters : [.. parameters, new NpgsqlParameter<string>("status", list.Status)],
            DeadlineFields,
            last => Cursor.Encode(new ListDeadlines.Key(last.GetFieldValue<DateTimeOffset>(DeadlineColumn.DueAt), last.GetGuid(DeadlineColumn.Id))));
    }

    /// <summary>
    /// <see cref="Page{T}"/> as the API writes it: the first <c>limit</c> rows of the query (which takes one more, as
    /// the handlers' queries do), and the cursor of the last when another row came.
    /// </summary>
    private static async Task ListAsync(HttpContext context, string sql, bool genericPlan, NpgsqlParameter[] parameters,
        (JsonEncodedText Name, int Column)[] fields,
        Func<NpgsqlDataReader, string> cursorAfter)
    {
        var ct = context.RequestAborted;
        var limit = context.Request.Query.TryGetValue("limit", out var text)
            ? int.Parse(text!, System.Globalization.CultureInfo.InvariantCulture)
            : Cursor.DefaultLimit;
        await using var connection = await OpenAsync(context, ct);
        await using (var batch = ReadOnlyBatch(context, connection, sql, genericPlan))
        {
            batch.BatchCommands[^1].Parameters.AddRange(parameters);
            batch.BatchCommands[^1].Parameters.Add(new NpgsqlParameter<int>("take", limit + 1));
            await using var reader = await batch.ExecuteReaderAsync(ct);
            context.Response.ContentType = "application/json; charset=utf-8";
            await using var json = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
            json.WriteStartObject();
            json.WriteStartArray("items");
            string? next = null;
            for (var count = 0; await reader.ReadAsync(ct) && count < limit; count++)
            {
                WriteObject(json, reader, fields);
                next = cursorAfter(reader);
            }

            json.WriteEndArray();
            // Kept only when the loop stopped on a row beyond the page.
            json.WriteString("nextCursor", reader.IsOnRow ? next : null);
            json.WriteEndObject();
            json.Flush();
        }
    }

    private static Task<NpgsqlConnection> OpenAsync(HttpContext context, CancellationToken ct) =>
        context.RequestServices.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct).AsTask();

    /// <summary>
    /// The settings <see cref="DbSession"/> sends ahead of a query's statement, confirming a remembered API key as it does,
    /// then the statement, on a generic plan where the handler runs it on one: one round trip, no BEGIN or COMMIT.
    /// </summary>
    private static NpgsqlBatch ReadOnlyBatch(HttpContext context, NpgsqlConnection connection, string sql, bool genericPlan)
    {
        var caller = context.RequestServices.GetRequiredService<CallerContext>();
        return new(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(DbSession.EnterReadOnlySql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<Guid>(DbSession.EnteredOrganisationParameter, caller.RequiredOrganisationId),
                        new NpgsqlParameter(DbSession.UnconfirmedApiKeyParameter, NpgsqlTypes.NpgsqlDbType.Uuid)
                        {
                            Value = caller.UnconfirmedApiKeyId ?? (object)DBNull.Value,
                        },
                        new NpgsqlParameter<bool>(DbSession.GenericPlanParameter, genericPlan),
                    },
                },
                new NpgsqlBatchCommand(sql),
            },
        };
    }

    /// <summary>One row as a JSON object: the named columns in the DTO's order, each written as its type is.</summary>
    private static void WriteObject(Utf8JsonWriter json, NpgsqlDataReader row, (JsonEncodedText Name, int Column)[] fields)
    {
        Span<char> date = stackalloc char[10];
        json.WriteStartObject();
        foreach (var (name, column) in fields)
        {
            var type = row.GetFieldType(column);
            if (row.IsDBNull(column))
            {
                json.WriteNull(name);
            }
            else if (type == typeof(string))
            {
                json.WriteString(name, row.GetString(column));
            }
            else if (type == typeof(Guid))
            {
                json.WriteString(name, row.GetGuid(column));
            }
            else if (type == typeof(int))
            {
                json.WriteNumber(name, row.GetInt32(column));
            }
            else if (type == typeof(DateTime))
            {
                // timestamptz: the API's DateTimeOffset in UTC.
                json.WriteString(name, row.GetFieldValue<DateTimeOffset>(column));
            }
            else if (type == typeof(DateOnly))
            {
                row.GetFieldValue<DateOnly>(column).TryFormat(date, out _, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                json.WriteString(name, date);
            }
            else if (type == typeof(Array) && row.GetDataTypeName(column) == "text[]")
            {
                json.WriteStartArray(name);
                foreach (var value in row.GetFieldValue<string[]>(column))
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }
            else if (type == typeof(Array) && row.GetDataTypeName(column) == "uuid[]")
            {
                json.WriteStartArray(name);
                foreach (var value in row.GetFieldValue<Guid[]>(column))
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }
            else
            {
                throw new NotSupportedException($"Column {column} is {type}.");
            }
        }

        json.WriteEndObject();
    }

    private static (JsonEncodedText, int)[] Fields(params (string Name, int Column)[] fields) =>
        fields.Select(f => (JsonEncodedText.Encode(f.Name), f.Column)).ToArray();

    /// <summary>Positions in <see cref="CaseDto.Columns"/> that the cursor needs.</summary>
    private static class CaseColumn
    {
        public const int Id = 0, OpenedOn = 10, Version = 12;
    }

    /// <summary>Positions in <see cref="DeadlineRow.Columns"/> that the cursor needs.</summary>
    private static class DeadlineColumn
    {
        public const int Id = 0, DueAt = 12;
    }
}
