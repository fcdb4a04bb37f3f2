using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// Where a deadline runs: an ISO 3166-1 alpha-2 country ("IE"), optionally narrowed to an
/// ISO 3166-2 region ("DE-NW"), because public holidays differ between German Länder, Swiss
/// cantons and the UK's nations. <see cref="Region"/> holds the full code, country prefix included.
/// </summary>
public sealed partial record Jurisdiction(string Country, string? Region)
{
    public static bool TryParse(string? text, [MaybeNullWhen(false)] out Jurisdiction jurisdiction)
    {
        var match = text is null ? Match.Empty : Iso3166().Match(text);
        jurisdiction = match.Success
            ? new Jurisdiction(match.Groups["country"].Value, match.Groups["subdivision"].Success ? text : null)
            : null;
        return jurisdiction is not null;
    }

    public override string ToString() => Region ?? Country;

    // Upper case only, as ISO writes them: the code is stored and compared as given.
    // \z, not $, which would let a trailing newline through.
    [GeneratedRegex(@"^(?<country>[A-Z]{2})(?<subdivision>-[A-Z0-9]{1,3})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Iso3166();
}
