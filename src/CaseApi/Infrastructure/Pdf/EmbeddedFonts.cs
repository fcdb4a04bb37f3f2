using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace CaseApi.Infrastructure.Pdf;

/// <summary>
/// The fonts PDFs are drawn with: DejaVu Sans, regular and bold (Bitstream Vera licence, see Fonts/LICENSE.txt), read from
/// the assembly. PDFsharp on Linux has no system fonts of its own, and fonts from the machine would make one installation's
/// letters differ from another's.
/// </summary>
internal sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private static readonly Lock Gate = new();
    private static readonly EmbeddedFonts Instance = new();
    private static bool installed;

    private readonly ConcurrentDictionary<string, byte[]> faces = new();

    /// <summary>
    /// PDFsharp's font resolver is process-wide and may be set only once before the first font is used (later settings must
    /// pass the same instance); several hosts in one process (the tests) call this each.
    /// </summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!installed)
            {
                GlobalFontSettings.FontResolver = Instance;
                installed = true;
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        string.Equals(familyName, Family, StringComparison.OrdinalIgnoreCase)
            // No italic face is shipped: PDFsharp slants the regular one if a caller ever asks.
            ? new FontResolverInfo(bold ? "DejaVuSans-Bold" : "DejaVuSans", mustSimulateBold: false, mustSimulateItalic: italic)
            : null;

    public byte[]? GetFont(string faceName) => faces.GetOrAdd(faceName, static face =>
    {
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream($"fonts/{face}.ttf")
            ?? throw new InvalidOperationException($"The font {face}.ttf is not embedded in the assembly.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    });
}
