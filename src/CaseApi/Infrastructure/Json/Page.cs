using System.Text;
using System.Text.Json;

namespace CaseApi.Infrastructure.Json;

/// <summary>A page of a list. <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToArray(), NextCursor);
}

/// <summary>
/// Opaque keyset cursors: the sort key of the last row of a page, base64url-encoded JSON.
/// Clients must not parse them; we may change what is inside.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode<TKey>(TKey key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode<TKey>(string? cursor, out TKey? key)
    {
        key = default;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            // No cursor we hand out holds NUL, and PostgreSQL text cannot: a forged one would fail the query.
            if (json.Contains('\0') || json.Contains("\\u0000", StringComparison.Ordinal))
            {
                return false;
            }

            key = JsonSerializer.Deserialize<TKey>(json);
            return key is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Cuts the extra row a query fetched to learn whether another page follows.</summary>
    public static Page<TItem> ToPage<TItem, TKey>(IReadOnlyList<TItem> rowsPlusOne, int limit, Func<TItem, TKey> keyOf) =>
        rowsPlusOne.Count > limit
            ? new Page<TItem>(rowsPlusOne.Take(limit).ToArray(), Encode(keyOf(rowsPlusOne[limit - 1])))
            : new Page<TItem>(rowsPlusOne, null);
}
