using System.Text;
using CsCheck;

namespace CaseApi.Tests.Fuzzing;

/// <summary>
/// The catalogue of hostile input, as CsCheck generators: what attackers, broken clients and copy-paste accidents send.
/// Strings are plain .NET strings (for queries, headers, path segments and JSON string values); <see cref="JsonValue"/>
/// gives raw JSON text, so that it can hold what no serialiser would write (1e400, lone surrogate escapes, 10,000 levels).
/// </summary>
public static class Hostile
{
    public const int NestingBeyondAnyLimit = 10_000;

    public static readonly string[] Injections =
    [
        "' OR 1=1 --", "'; DROP TABLE cases; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(10)", "$1", "%s%s%s%n", "{{7*7}}", "${7*7}",
        "{\"$ne\":1}", "{\"$gt\":\"\"}", "__proto__", "constructor", "<script>alert(1)</script>", "../../../../etc/passwd",
        "..%2f..%2f", "%00", "\\", "'", "\"", "*", "%", "_", "-", ":", "null", "undefined", "NaN", "true", "[]", "{}",
        "caseapi.organisation_id", "current_organisation_id()",
    ];

    public static readonly string[] OddCharacters =
    [
        "\0", "a\0b", "\u0001\u0002\u001f", "\u007f", "\r\n", "\t", "\u202e" + "evil", "\u200b", "\ufeff", "\uffff", "\ud800", "\udc00x",
        "\ud83d\ude00", "Ä\u0308", "İ", "ß", "\u2028\u2029", "\u00a0", " ", "",
    ];

    public static readonly string[] Dates = ["2025-02-30", "2025-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "2025-5-1", "20250501", "-2025-01-01", "2025-01-01T00:00:00Z"];

    public static readonly string[] Instants =
    [
        "2025-02-30T10:00:00Z", "2025-04-30T10:00:00", "2025-04-30T25:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00",
        "9999-12-31T23:59:59-14:00", "2025-04-30T10:00:00+99:00", "2025-04-30", "+275760-09-13T00:00:00Z", "1970-01-01T00:00:00Z",
    ];

    /// <summary>Numbers that overflow, underflow or are not numbers at all, as raw JSON (some are not valid JSON).</summary>
    public static readonly string[] Numbers =
    [
        "-1", "0", "-0", "1.5", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e400", "-1e400", "1e-400",
        "0.1e1", "1E2", "NaN", "Infinity", "-Infinity", "0x10", "01", "1_000", "\"12\"",
    ];

    public static readonly Gen<string> SmallText = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.äöüé"], 0, 20];

    public static readonly Gen<string> AnyChars = Gen.String[Gen.Char, 1, 30];

    /// <summary>Just over common limits and far beyond them; 1 MiB bodies are the body limit's business (413).</summary>
    public static readonly Gen<string> Long = Gen.OneOf(51, 101, 201, 301, 5_001, 20_001, 100_000).Select(length => new string('x', length));

    public static readonly Gen<string> Text = Gen.Frequency<string>(
        (4, Gen.OneOf(Injections)),
        (3, Gen.OneOf(OddCharacters)),
        (2, SmallText),
        (1, AnyChars),
        (1, Long),
        (1, Gen.OneOf(Dates)),
        (1, Gen.OneOf(Instants)),
        (1, Gen.OneOf(Numbers)));

    /// <summary>Anything in place of a UUID.</summary>
    public static readonly Gen<string> BadId = Gen.Frequency<string>(
        (3, Gen.OneOf("", "0", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000", "..%2f..%2fhealth", "%2e%2e", "1 OR 1=1")),
        (2, Gen.Guid.Select(g => g.ToString().ToUpperInvariant() + "0")),
        (3, Text));

    /// <summary>Raw JSON values of every type, for a field that expects another one, and for nesting bombs.</summary>
    public static readonly Gen<string> JsonValue = Gen.Frequency<string>(
        (4, Text.Select(Quote)),
        (3, Gen.OneOf(Numbers)),
        (2, Gen.OneOf("null", "true", "false", "{}", "[]", "[null]", "{\"$ne\":1}", "{\"__proto__\":{\"admin\":true}}", "{\"constructor\":{\"prototype\":{}}}")),
        (1, Gen.OneOf("\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "\"\\u202e\"", "\"\\x41\"", "\"\\", "\"unterminated", "'single'")),
        (1, Gen.OneOf(31, 33, 100, NestingBeyondAnyLimit).Select(depth => Nested(depth, "[", "]"))),
        (1, Gen.OneOf(33, 1_000).Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
        (1, Gen.OneOf(201, 10_000).Select(count => "[" + string.Join(',', Enumerable.Repeat("\"x\"", count)) + "]")));

    /// <summary>Whole bodies that are not the JSON object an operation takes.</summary>
    public static readonly Gen<byte[]> NotAnObject = Gen.Frequency<byte[]>(
        (3, Gen.OneOf("", " ", "null", "[]", "\"text\"", "42", "{", "{\"a\":1,}", "{\"a\" 1}", "{'a':1}", "<xml/>", "a=1&b=2", "{}{}", "[{}]")
            .Select(Encoding.UTF8.GetBytes)),
        (2, JsonValue.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.OneOf<byte[]>([0xff, 0xfe, 0x7b, 0x7d], [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d], [0xef, 0xbb, 0xbf, 0x7b, 0x7d], [0x00, 0x00, 0x00])),
        (1, Gen.Byte.Array[0, 64]));

    public static readonly Gen<string> ContentType = Gen.OneOf(
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
        "application/json; charset=nonsense", "application/merge-patch+json", "application/problem+json", "*/*", "application/json, text/plain", ";;;");

    public static string Quote(string text) => JsonSerializer.Serialize(text);

    public static string Nested(int depth, string open, string close) =>
        new StringBuilder(depth * (open.Length + close.Length)).Insert(0, open, depth).Insert(depth * open.Length, close, depth).ToString();
}
