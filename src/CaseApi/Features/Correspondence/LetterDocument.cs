using System.Text.RegularExpressions;
using CaseApi.Features.LetterTemplates;
using CaseApi.Infrastructure.Pdf;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.UniversalAccessibility;

namespace CaseApi.Features.Correspondence;

/// <summary>What a letter on paper shows; <see cref="LetterDocument.Render"/> lays it out.</summary>
internal sealed record LetterSheet
{
    /// <summary><c>de</c> or <c>en</c>: the labels, the date and the page numbers.</summary>
    public required string Language { get; init; }

    public required string SenderName { get; init; }

    /// <summary>Lines of the sender's address, the postcode and town last; null when the organisation has none.</summary>
    public string? SenderAddress { get; init; }

    public required string RecipientName { get; init; }

    public string? RecipientAddress { get; init; }

    public required DateOnly Date { get; init; }

    /// <summary>A draft carries a watermark: its date is today's, not the day it went out.</summary>
    public bool Draft { get; init; }

    public required string Reference { get; init; }

    public required string Subject { get; init; }

    public string? Body { get; init; }

    /// <summary>The file's creation date.</summary>
    public required DateTimeOffset RenderedAt { get; init; }
}

/// <summary>
/// A letter as a PDF on A4, after DIN 5008 form B: letterhead on top, the address in the window of a DL envelope with the
/// sender's return line above it, the reference to the right, place and date above the subject, the body (paragraphs,
/// bulleted and numbered lists) over as many pages as it needs, and "Seite n von m" at the foot of each. PDFsharp embeds
/// subsets of the fonts; the body's line breaks are kept (addresses and closings in templates rely on them), and long lines
/// wrap at word boundaries.
/// </summary>
internal static partial class LetterDocument
{
    private const double Mm = 72 / 25.4;
    private const double Left = 25 * Mm;
    private const double Right = 190 * Mm;
    private const double Bottom = 272 * Mm;
    private const double FollowingPageTop = 25 * Mm;
    private const double BodySize = 10.5;
    private const double LineHeight = BodySize * 1.4;
    private const double ListIndent = 7 * Mm;
    private const double ParagraphGap = LineHeight * 0.6;
    private const double AddressZoneTop = 62.7 * Mm;
    private const double AddressZoneHeight = 27.3 * Mm;
    private const double AddressLeading = 1.15;
    private const double SignatureSpace = 15 * Mm;
    private const double SignatureHeight = SignatureSpace + LineHeight;

    // Windows-1252's characters between 0x80 and 0x9F, where ISO 8859-1 has control codes.
    private const string WinAnsiExtras = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

    private static readonly char[] BreakAfter = ['/', '-', '_', '.', '?', '&', '=', '#', '§'];

    private static readonly XBrush Ink = XBrushes.Black;
    private static readonly XBrush Grey = new XSolidBrush(XColor.FromArgb(90, 90, 90));
    // Opaque and light, drawn before the text: PDF/A-1 allows no transparency (PDFsharp drops an alpha channel).
    private static readonly XBrush Watermark = new XSolidBrush(XColor.FromArgb(225, 225, 225));

    private static readonly Dictionary<string, Labels> ByLanguage = new()
    {
        ["de"] = new("Unser Zeichen", "Seite {0} von {1}", "ENTWURF", "Brief"),
        ["en"] = new("Our reference", "Page {0} of {1}", "DRAFT", "Letter"),
    };

    static LetterDocument() => EmbeddedFonts.Install();

    public static byte[] Render(LetterSheet sheet)
    {
        // Page numbers say "of m": a first layout counts the pages, the second draws them.
        using var counted = Draw(sheet, totalPages: 0);
        using var document = Draw(sheet, counted.PageCount);
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static PdfDocument Draw(LetterSheet sheet, int totalPages)
    {
        var labels = ByLanguage[sheet.Language];
        var document = new PdfDocument();
        // Before any content: PDFsharp then writes what PDF/A asks of a file (XMP metadata with the PDF/A identification, an
        // output intent with an sRGB profile, a structure tree that every piece of text must be tagged in) and leaves out what it
        // forbids. PDF/A-1a is the only level PDFsharp 6.2.4 writes, and its makers call the support "under construction"
        // (https://docs.pdfsharp.net/PDFsharp/Topics/PDF-Features/Archiving.html). Text outside Windows-1252 (Polish, Czech,
        // Greek) is set in a CID font, which PDFsharp embeds without the CIDSet that PDF/A-1 asks of every CID font subset
        // (ISO 19005-1, 6.3.5): such a letter is not declared PDF/A rather than declared so falsely.
        if (WinAnsiOnly(sheet))
        {
            document.SetPdfA();
        }

        document.Info.Title = sheet.Subject;
        document.Info.Author = sheet.SenderName;
        document.Info.Subject = $"{labels.Letter} {sheet.Reference}";
        document.Info.Creator = "CaseApi";
        document.Info.CreationDate = sheet.RenderedAt.UtcDateTime;
        document.Info.ModificationDate = sheet.RenderedAt.UtcDateTime;
        var structure = UAManager.ForDocument(document);
        structure.SetDocumentLanguage(sheet.Language);

        var layout = new Layout(document, structure.StructureBuilder, new Fonts(), sheet, labels, totalPages);
        layout.DrawFirstPageHead();
        layout.DrawBody(WithoutClosingName(Blocks(sheet.Body ?? ""), sheet.SenderName));
        layout.DrawSignature();
        layout.Finish();
        return document;
    }

    /// <summary>Whether every character drawn is in Windows-1252, which PDFsharp sets in a simple TrueType font (WinAnsiEncoding).</summary>
    internal static bool WinAnsiOnly(LetterSheet sheet) =>
        new[] { sheet.SenderName, sheet.SenderAddress, sheet.RecipientName, sheet.RecipientAddress, sheet.Reference, sheet.Subject, sheet.Body }
            .All(text => (text ?? "").All(c => c < ' ' || c is >= ' ' and <= '~' || c is >= '\u00A0' and <= '\u00FF' || WinAnsiExtras.Contains(c)));

    /// <summary>The town of an address's last line ("40215 Düsseldorf", "D-40215 Düsseldorf"): the place in the date line.</summary>
    internal static string? Place(string? address) =>
        address?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } last
            ? PostcodePrefix().Replace(last, "").Trim() is { Length: > 0 } town ? town : null
            : null;

    /// <summary>Address lines: the stored line breaks, or for a one-line address ("Merrion Road, Dublin 4, Ireland") its commas.</summary>
    internal static IReadOnlyList<string> AddressLines(string? address)
    {
        var lines = (address ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 1 ? lines[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : lines;
    }

    /// <summary>
    /// The body without its last line when that is the organisation's name: a template's closing, written for the e-mail, which
    /// has no room to sign. On paper the signature block sets the name under room for the signature instead.
    /// </summary>
    internal static IReadOnlyList<Block> WithoutClosingName(IReadOnlyList<Block> blocks, string senderName) =>
        blocks is [.., { Kind: BlockKind.Line } last] && string.Equals(last.Text.Trim(), senderName.Trim(), StringComparison.OrdinalIgnoreCase)
            ? blocks.Take(blocks.Count - 1).ToArray() is { Length: > 0 } rest ? [.. rest[..^1], rest[^1] with { EndsParagraph = true }] : []
            : blocks;

    internal enum BlockKind
    {
        Line,
        Bullet,
        Numbered,
    }

    /// <summary>One line of the body as written, or one list item (its continuation lines joined); <c>EndsParagraph</c> before a blank line.</summary>
    internal sealed record Block(BlockKind Kind, string Marker, string Text, bool EndsParagraph);

    internal static IReadOnlyList<Block> Blocks(string body)
    {
        var blocks = new List<Block>();
        foreach (var paragraph in BlankLines().Split(body.Replace("\r\n", "\n").Trim('\n')))
        {
            var start = blocks.Count;
            foreach (var line in paragraph.Split('\n'))
            {
                if (BulletItem().Match(line) is { Success: true } bullet)
                {
                    blocks.Add(new Block(BlockKind.Bullet, "•", bullet.Groups["text"].Value.Trim(), false));
                }
                else if (NumberedItem().Match(line) is { Success: true } numbered)
                {
                    blocks.Add(new Block(BlockKind.Numbered, numbered.Groups["marker"].Value, numbered.Groups["text"].Value.Trim(), false));
                }
                else if (line.Length > 0 && char.IsWhiteSpace(line[0]) && blocks.Count > start && blocks[^1].Kind != BlockKind.Line)
                {
                    // An indented line under a list item goes on with that item.
                    blocks[^1] = blocks[^1] with { Text = $"{blocks[^1].Text} {line.Trim()}" };
                }
                else
                {
                    blocks.Add(new Block(BlockKind.Line, "", line.TrimEnd(), false));
                }
            }

            if (blocks.Count > start)
            {
                blocks[^1] = blocks[^1] with { EndsParagraph = true };
            }
        }

        return blocks;
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"^\s*[-*•–]\s+(?<text>.*)$")]
    private static partial Regex BulletItem();

    [GeneratedRegex(@"^\s*(?<marker>(\d{1,3}|[a-z])[.)])\s+(?<text>.*)$")]
    private static partial Regex NumberedItem();

    // Postcodes before the town: 40215, D-40215, 1010 (AT), 02-068 (PL), 1012 AB (NL).
    [GeneratedRegex(@"^([A-Z]{1,2}-)?\d[\d-]{2,6}(\s[A-Z]{2})?\s+")]
    private static partial Regex PostcodePrefix();

    private sealed record Labels(string Reference, string PageOf, string Draft, string Letter);

    private sealed class Fonts
    {
        public XFont Body { get; } = new(EmbeddedFonts.Family, BodySize, XFontStyleEx.Regular);

        public XFont Bold { get; } = new(EmbeddedFonts.Family, BodySize, XFontStyleEx.Bold);

        public XFont Letterhead { get; } = new(EmbeddedFonts.Family, 15, XFontStyleEx.Bold);

        public XFont Small { get; } = new(EmbeddedFonts.Family, 8.5, XFontStyleEx.Regular);

        public XFont ReturnLine { get; } = new(EmbeddedFonts.Family, 6, XFontStyleEx.Regular);

        public XFont Watermark { get; } = new(EmbeddedFonts.Family, 90, XFontStyleEx.Bold);
    }

    private sealed class Layout(PdfDocument document, StructureBuilder tags, Fonts fonts, LetterSheet sheet, Labels labels, int totalPages)
    {
        private XGraphics gfx = null!;
        private double y;

        public void DrawFirstPageHead()
        {
            NewPage();
            var senderLines = AddressLines(sheet.SenderAddress);

            // Letterhead.
            Tagged(PdfBlockLevelElementTag.Paragraph, () =>
            {
                gfx.DrawString(sheet.SenderName, fonts.Letterhead, Ink, new XPoint(Left, 20 * Mm));
                if (senderLines.Count > 0)
                {
                    gfx.DrawString(string.Join(" · ", senderLines), fonts.Small, Grey, new XPoint(Left, 26 * Mm));
                }
            });
            Artifact(() => gfx.DrawLine(new XPen(XColors.Gray, 0.5), Left, 30 * Mm, Right, 30 * Mm));

            // Address field (DIN 5008 form B: 45 mm from the top, 85 mm wide), the return line at the foot of its upper zone.
            // Smaller, and then the name shortened, rather than cut at the end: a return address without its town is no return address.
            var returnAddress = string.Concat(senderLines.Select(line => $" · {line}"));
            var returnFont = fonts.ReturnLine;
            while (returnFont.Size > 4.5 && Width(sheet.SenderName + returnAddress, returnFont) > 85 * Mm)
            {
                returnFont = new XFont(EmbeddedFonts.Family, returnFont.Size - 0.25, XFontStyleEx.Regular);
            }

            var returnLine = Fit(sheet.SenderName, returnFont, Math.Max(85 * Mm - Width(returnAddress, returnFont), 20 * Mm)) + returnAddress;
            Artifact(() => gfx.DrawString(Fit(returnLine, returnFont, 85 * Mm), returnFont, Grey, new XPoint(Left, AddressZoneTop - (1.5 * Mm))));

            // Fold marks for a DL window envelope (DIN 5008 form B: 105 and 210 mm) and the punch mark halfway down (148.5 mm).
            Artifact(() =>
            {
                var pen = new XPen(XColors.Gray, 0.4);
                foreach (var (at, length) in new[] { (105.0, 5.0), (148.5, 8.0), (210.0, 5.0) })
                {
                    gfx.DrawLine(pen, 4 * Mm, at * Mm, (4 + length) * Mm, at * Mm);
                }
            });
            // The recipient in the address zone (DIN 5008 form B: 62.7 to 90 mm from the top), which the envelope's window shows:
            // six lines of body type with a tight leading, smaller type for more, never a line below the window. Wrapped rather
            // than cut: an authority's name in two languages is longer than the window is wide.
            var addressSize = BodySize;
            var recipient = AddressZoneLines(fonts.Body);
            while (recipient.Count * addressSize * AddressLeading > AddressZoneHeight && addressSize > 7)
            {
                addressSize -= 0.5;
                recipient = AddressZoneLines(new XFont(EmbeddedFonts.Family, addressSize, XFontStyleEx.Regular));
            }

            var addressFont = new XFont(EmbeddedFonts.Family, addressSize, XFontStyleEx.Regular);
            Tagged(PdfBlockLevelElementTag.Paragraph, () =>
            {
                var addressY = AddressZoneTop + addressSize;
                foreach (var line in recipient)
                {
                    gfx.DrawString(line, addressFont, Ink, new XPoint(Left, addressY));
                    addressY += addressSize * AddressLeading;
                }
            });

            // Information block, 125 mm from the left edge.
            var infoX = 125 * Mm;
            Tagged(PdfBlockLevelElementTag.Paragraph, () =>
            {
                gfx.DrawString(labels.Reference, fonts.Small, Grey, new XPoint(infoX, 55 * Mm));
                gfx.DrawString(Fit(sheet.Reference, fonts.Body, Right - infoX), fonts.Body, Ink, new XPoint(infoX, 55 * Mm + LineHeight));
            });

            // Place and date, right-aligned above the subject.
            var date = LetterTemplateEngine.LongDate(sheet.Date, sheet.Language);
            var dateLine = Place(sheet.SenderAddress) is { } place ? $"{place}, {date}" : date;
            Tagged(PdfBlockLevelElementTag.Paragraph, () =>
                gfx.DrawString(dateLine, fonts.Body, Ink, new XRect(Left, 103.4 * Mm - BodySize, Right - Left, BodySize * 1.2), XStringFormats.TopRight));

            y = 115 * Mm;
            Tagged(PdfBlockLevelElementTag.Heading1, () =>
            {
                foreach (var line in Wrap(sheet.Subject, fonts.Bold, Right - Left))
                {
                    gfx.DrawString(line, fonts.Bold, Ink, new XPoint(Left, y));
                    y += LineHeight;
                }
            });

            y += LineHeight;
        }

        private List<string> AddressZoneLines(XFont font) =>
            new[] { sheet.RecipientName }.Concat(AddressLines(sheet.RecipientAddress)).SelectMany(line => Wrap(line, font, 85 * Mm)).ToList();

        public void DrawBody(IReadOnlyList<Block> blocks)
        {
            var wrapped = blocks.Select(block => block.Text.Length == 0 ? [""] : Wrap(block.Text, fonts.Body, Right - Left - Indent(block))).ToList();
            double Height(int b, int fromLine) => ((wrapped[b].Count - fromLine) * LineHeight) + (blocks[b].EndsParagraph ? ParagraphGap : 0);

            // The closing ("Mit freundlichen Grüßen") is signed on the page it stands on, and never stands there alone: the last two
            // lines of the paragraph before it go with it.
            var closing = blocks.Count > 0 && wrapped[^1].Count <= 3 ? Height(blocks.Count - 1, 0) + SignatureHeight : 0;
            var paragraphOpen = false;
            for (var b = 0; b < blocks.Count; b++)
            {
                var block = blocks[b];
                var lines = wrapped[b];
                if (!paragraphOpen)
                {
                    tags.BeginElement(PdfBlockLevelElementTag.Paragraph);
                    paragraphOpen = true;
                }

                for (var i = 0; i < lines.Count; i++)
                {
                    // No line of a paragraph alone at the foot or the head of a page.
                    EnsureRoom(closing > 0 && b == blocks.Count - 1 && i == 0 ? closing
                        : closing > 0 && b == blocks.Count - 2 && i == Math.Max(0, lines.Count - 2) ? Height(b, i) + closing
                        : i == 0 || (i == lines.Count - 2 && lines.Count > 2) ? Math.Min(lines.Count - i, 2) * LineHeight
                        : LineHeight);
                    if (i == 0 && block.Kind != BlockKind.Line)
                    {
                        gfx.DrawString(block.Marker, fonts.Body, Ink, new XPoint(Left + (block.Kind == BlockKind.Bullet ? 2 * Mm : 0), y));
                    }

                    gfx.DrawString(lines[i], fonts.Body, Ink, new XPoint(Left + Indent(block), y));
                    y += LineHeight;
                }

                if (block.EndsParagraph)
                {
                    tags.End();
                    paragraphOpen = false;
                    y += ParagraphGap;
                }
            }
        }

        private static double Indent(Block block) => block.Kind == BlockKind.Line ? 0 : ListIndent;

        /// <summary>Room to sign, and the organisation's name under a line.</summary>
        public void DrawSignature()
        {
            EnsureRoom(SignatureHeight);
            y += SignatureSpace;
            Artifact(() => gfx.DrawLine(new XPen(XColors.Black, 0.5), Left, y - BodySize - 1, Left + 70 * Mm, y - BodySize - 1));
            Tagged(PdfBlockLevelElementTag.Paragraph, () => gfx.DrawString(Fit(sheet.SenderName, fonts.Body, Right - Left), fonts.Body, Ink, new XPoint(Left, y + 2)));
        }

        public void Finish() => gfx.Dispose();

        private void EnsureRoom(double height)
        {
            if (y + height - LineHeight > Bottom)
            {
                // The page is added while the old page's graphics are open: the tagging closes its marked content on them.
                var previous = gfx;
                NewPage();
                previous.Dispose();
                Artifact(() => gfx.DrawString(Fit($"{sheet.SenderName} · {labels.Reference} {sheet.Reference}", fonts.Small, Right - Left), fonts.Small, Grey, new XPoint(Left, 15 * Mm)));
                y = FollowingPageTop;
            }
        }

        private void NewPage()
        {
            var page = document.AddPage();
            page.Width = XUnit.FromMillimeter(210);
            page.Height = XUnit.FromMillimeter(297);
            gfx = XGraphics.FromPdfPage(page);
            Artifact(() =>
            {
                if (sheet.Draft)
                {
                    var centre = new XPoint(105 * Mm, 160 * Mm);
                    var state = gfx.Save();
                    gfx.RotateAtTransform(-50, centre);
                    gfx.DrawString(labels.Draft, fonts.Watermark, Watermark, centre, XStringFormats.Center);
                    gfx.Restore(state);
                }

                gfx.DrawString(string.Format(labels.PageOf, document.PageCount, totalPages), fonts.Small, Grey,
                    new XRect(Left, 282 * Mm, Right - Left, 10), XStringFormats.TopCenter);
            });
        }

        private void Tagged(PdfBlockLevelElementTag tag, Action draw)
        {
            tags.BeginElement(tag);
            draw();
            tags.End();
        }

        /// <summary>Page furniture (rules, page numbers, the watermark) is no part of the text a reader reads aloud.</summary>
        private void Artifact(Action draw)
        {
            tags.BeginArtifact();
            draw();
            tags.End();
        }

        /// <summary>Greedy line breaking at spaces; a word wider than the line is broken after a separator or between letters.</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (Width(candidate, font) <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                // A web address breaks after a slash, dot or other separator and gets no hyphen, which would change it; a long
                // compound ("Datenschutzgrundverordnungsanpassungsgesetz") breaks between letters with one.
                var address = word.Contains("://", StringComparison.Ordinal) || word.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
                while (Width(current, font) > width)
                {
                    var fits = 1;
                    while (fits < current.Length - 1 && Width(current[..(fits + 1)] + (address ? "" : "-"), font) <= width)
                    {
                        fits++;
                    }

                    var separator = current.LastIndexOfAny(BreakAfter, fits - 1) + 1;
                    var (line, rest) = separator > fits / 3 ? (current[..separator], current[separator..])
                        : address ? (current[..fits], current[fits..])
                        : (current[..fits] + "-", current[fits..]);
                    lines.Add(line);
                    current = rest;
                }
            }

            lines.Add(current);
            return lines;
        }

        /// <summary>A single line that must not wrap (address field, reference), cut with an ellipsis.</summary>
        private string Fit(string text, XFont font, double width)
        {
            if (Width(text, font) <= width)
            {
                return text;
            }

            var cut = text;
            while (cut.Length > 1 && Width(cut + "…", font) > width)
            {
                cut = cut[..^1];
            }

            return cut.TrimEnd() + "…";
        }

        private double Width(string text, XFont font) => gfx.MeasureString(text, font).Width;
    }
}
