using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CaseApi.Infrastructure.Json;

/// <summary>
/// The dates and instants the API takes, on every route: from 1900 to 2199. Nothing a case refers to lies outside, and
/// inside it deadline arithmetic (ten-year limits, periods of years) stays far from the ends of .NET's and PostgreSQL's
/// ranges; 0001-01-01 or 9999-12-31 were accepted and stored (issue 14).
/// </summary>
public static class DateBounds
{
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    public static readonly DateOnly Latest = new(2199, 12, 31);

    public const string Message = "Must lie between 1900-01-01 and 2199-12-31.";

    public static bool Contains(DateOnly day) => day >= Earliest && day <= Latest;

    public static bool Contains(DateTimeOffset at) => Contains(DateOnly.FromDateTime(at.UtcDateTime));

    internal static IEnumerable<JsonConverter> Converters =>
    [
        new BoundedConverter<DateOnly>(JsonMetadataServices.DateOnlyConverter, Contains),
        new BoundedConverter<DateTimeOffset>(JsonMetadataServices.DateTimeOffsetConverter, Contains),
    ];
}

/// <summary>A date or instant in a body outside <see cref="DateBounds"/>; its path names the field.</summary>
public sealed class DateOutOfBoundsException() : JsonException(DateBounds.Message);

/// <summary>
/// Checks every date and instant as it is read, so that no body field (nested, in a list, or in a PATCH) can miss the
/// check. Reading and writing are System.Text.Json's own.
/// </summary>
internal sealed class BoundedConverter<T>(JsonConverter<T> inner, Func<T, bool> inBounds) : JsonConverter<T>
    where T : struct
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = inner.Read(ref reader, typeToConvert, options);
        return inBounds(value) ? value : throw new DateOutOfBoundsException();
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => inner.Write(writer, value, options);

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        inner.ReadAsPropertyName(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        inner.WriteAsPropertyName(writer, value, options);
}
