using System.Collections.Concurrent;
using System.Text.Json;

namespace CaseApi.Infrastructure.Json;

/// <summary>Enum values as the API and the database spell them: <c>OnHold</c> is <c>on_hold</c>.</summary>
public static class SnakeCase
{
    private static readonly ConcurrentDictionary<(Type, string), object> Parsed = new();

    public static string From<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static TEnum ToEnum<TEnum>(string value) where TEnum : struct, Enum =>
        (TEnum)Parsed.GetOrAdd((typeof(TEnum), value), static key =>
            Enum.GetValues(key.Item1).Cast<Enum>().FirstOrDefault(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()) == key.Item2)
            ?? throw new ArgumentOutOfRangeException(nameof(value), key.Item2, $"Not a {key.Item1.Name}."));
}
