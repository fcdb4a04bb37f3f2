using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseApi.Infrastructure.Json;

/// <summary>
/// A PATCH field: absent (leave as is), or present with a value that may be null (clear it).
/// JSON Merge Patch (RFC 7396) semantics, which a nullable property alone cannot express.
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;

    public T Or(T current) => IsSet ? Value : current;

    public static implicit operator Optional<T>(T value) => new(true, value);
}

public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // Called for null tokens too, so that an explicit null becomes "set to null" rather than "absent".
        public override bool HandleNull => true;

        // The value's own converter, not a nested JsonSerializer.Deserialize: that would start a new path at "$", and a
        // wrong type ({"title": 123}) would name "$" instead of "title" (issue 14, point 4).
        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(true, reader.TokenType == JsonTokenType.Null ? default! : ((JsonConverter<T>)options.GetConverter(typeof(T))).Read(ref reader, typeof(T), options)!);

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.IsSet ? value.Value : default, options);
    }
}
