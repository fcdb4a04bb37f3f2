using System.Data;
using Dapper;

namespace CaseApi.Infrastructure.Data;

/// <summary>
/// Npgsql reads timestamptz as a UTC <see cref="DateTime"/> and writes <see cref="DateTimeOffset"/> only with
/// offset zero; the API speaks <see cref="DateTimeOffset"/> with whatever offset a client sent. These handlers
/// meet in the middle, so no handler has to remember <c>ToUniversalTime()</c>.
/// </summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public static void Register()
    {
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new DataException($"Cannot read {value.GetType().Name} as DateTimeOffset."),
    };
}

/// <summary>
/// Reads a jsonb column into the type its DTO property has (Npgsql hands jsonb over as text), in the API's camelCase, so a
/// column that holds a list of settings maps like any other. Writes go through an explicit <c>@value::jsonb</c>.
/// </summary>
internal sealed class JsonbHandler<T> : SqlMapper.TypeHandler<T>
{
    public static void Register() => SqlMapper.AddTypeHandler(new JsonbHandler<T>());

    public override void SetValue(IDbDataParameter parameter, T? value) =>
        parameter.Value = System.Text.Json.JsonSerializer.Serialize(value, System.Text.Json.JsonSerializerOptions.Web);

    public override T Parse(object value) =>
        System.Text.Json.JsonSerializer.Deserialize<T>((string)value, System.Text.Json.JsonSerializerOptions.Web)
        ?? throw new DataException($"A jsonb null where {typeof(T).Name} is expected.");
}

/// <summary>
/// An enum stored as snake_case text (<c>OnHold</c> is <c>on_hold</c>, see <see cref="Json.SnakeCase"/>), read into and written from its
/// enum, so that a DTO maps straight from its row. Dapper uses it only with <c>Settings.PreferTypeHandlersForEnums</c>.
/// </summary>
internal sealed class SnakeCaseEnumHandler<TEnum> : SqlMapper.TypeHandler<TEnum> where TEnum : struct, Enum
{
    public static void Register()
    {
        SqlMapper.AddTypeHandler(new SnakeCaseEnumHandler<TEnum>());
        SqlMapper.AddTypeHandler(new ListHandler());
    }

    public override void SetValue(IDbDataParameter parameter, TEnum value) => parameter.Value = Json.SnakeCase.From(value);

    public override TEnum Parse(object value) => Json.SnakeCase.ToEnum<TEnum>((string)value);

    /// <summary>A <c>text[]</c> column of such values.</summary>
    private sealed class ListHandler : SqlMapper.TypeHandler<IReadOnlyList<TEnum>>
    {
        public override void SetValue(IDbDataParameter parameter, IReadOnlyList<TEnum>? value) =>
            parameter.Value = value?.Select(Json.SnakeCase.From).ToArray();

        public override IReadOnlyList<TEnum> Parse(object value) => ((string[])value).Select(Json.SnakeCase.ToEnum<TEnum>).ToArray();
    }
}

internal static class SnakeCaseEnumHandler
{
    /// <summary>
    /// The enums whose columns DTOs read directly. An enum column of a new type adds its enum here; one not listed is read as
    /// text and converted by hand.
    /// </summary>
    public static void RegisterAll()
    {
        SqlMapper.Settings.PreferTypeHandlersForEnums = true;
        SnakeCaseEnumHandler<Auth.ApiKeyRole>.Register();
        SnakeCaseEnumHandler<Features.Courts.CourtKind>.Register();
        SnakeCaseEnumHandler<Features.Dpas.DpaSector>.Register();
        SnakeCaseEnumHandler<Features.Dpas.DpaChannel>.Register();
        SnakeCaseEnumHandler<Features.Cases.CaseStatus>.Register();
        SnakeCaseEnumHandler<Features.Correspondence.LetterType>.Register();
        SnakeCaseEnumHandler<Features.Complaints.ComplaintStatus>.Register();
        SnakeCaseEnumHandler<Features.Complaints.OnBehalfOf>.Register();
        SnakeCaseEnumHandler<Features.Complaints.DecisionOutcome>.Register();
        SnakeCaseEnumHandler<Features.Complaints.Appellant>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.ProceedingKind>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.ProceedingStatus>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.PartyRole>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.ProceedingEventKind>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.CourtOutcome>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.QualifiedEntityList>.Register();
        SnakeCaseEnumHandler<Features.Proceedings.ImplementationStage>.Register();
        SnakeCaseEnumHandler<Features.Inbox.InboxStatus>.Register();
        SnakeCaseEnumHandler<Features.Inbox.InboxReason>.Register();
        SnakeCaseEnumHandler<Features.Correspondence.PenaltyKind>.Register();
    }
}
