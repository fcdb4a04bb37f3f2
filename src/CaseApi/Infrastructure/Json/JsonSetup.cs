using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseApi.Infrastructure.Json;

public static class JsonSetup
{
    /// <summary>The API's rules outside a request: for a jsonb column that keeps a request's object as the API received it.</summary>
    public static readonly JsonSerializerOptions Api = Created();

    private static JsonSerializerOptions Created()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        return options;
    }

    /// <summary>
    /// One set of rules for every route: camelCase names, snake_case enum strings, and strict input — an unknown
    /// field, a field given twice or a null where a value is required is a 400 naming the field, not a silently dropped
    /// value.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
        // A field given twice has two values: last-wins took one silently, and anything in front that reads the first saw
        // another request (issue 14). Applies to every body, PATCH bodies and free-form objects included.
        options.AllowDuplicateProperties = false;
    }

    /// <summary>
    /// <see cref="Configure"/>, and dates and instants within <see cref="DateBounds"/>: for what clients send. Not for
    /// <see cref="Api"/>, which reads back what was stored, some of it before the bounds.
    /// </summary>
    public static void ConfigureRequests(JsonSerializerOptions options)
    {
        Configure(options);
        foreach (var converter in DateBounds.Converters)
        {
            options.Converters.Add(converter);
        }
    }
}
