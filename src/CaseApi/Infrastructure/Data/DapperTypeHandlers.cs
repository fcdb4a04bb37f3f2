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
