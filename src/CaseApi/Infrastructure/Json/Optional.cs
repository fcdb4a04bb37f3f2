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

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return new(true, default!);
            }

            try
            {
                return new(true, JsonSerializer.Deserialize<T>(ref reader, options)!);
            }
            catch (JsonException failure)
            {
                throw new OptionalFieldException(failure);
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.IsSet ? value.Value : default, options);
    }
}

/// <summary>
/// A PATCH field's value that could not be read. The nested read reports its path from the field ("$"), and a failure
/// with a path keeps it; this one has none, so that the outer read adds the field's, and the problem names
/// <c>openedOn</c> rather than <c>$</c> (issue 14). <see cref="Exception.InnerException"/> holds the path within the field.
/// </summary>
public sealed class OptionalFieldException(JsonException failure) : JsonException(failure.Message, failure);
