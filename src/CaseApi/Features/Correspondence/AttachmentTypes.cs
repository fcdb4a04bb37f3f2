using System.IO.Compression;
using System.Text;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// Decides what a file is from its bytes, not from what the client says: an executable renamed to .pdf is
/// refused. Accepts what legal correspondence consists of: PDF, images, text and office documents.
/// </summary>
public static class AttachmentTypes
{
    private static readonly Dictionary<string, string> ZipOffice = new(StringComparer.OrdinalIgnoreCase)
    {
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".odt"] = "application/vnd.oasis.opendocument.text",
        [".ods"] = "application/vnd.oasis.opendocument.spreadsheet",
    };

    private static readonly Dictionary<string, string> LegacyOffice = new(StringComparer.OrdinalIgnoreCase)
    {
        [".doc"] = "application/msword",
        [".xls"] = "application/vnd.ms-excel",
        [".msg"] = "application/vnd.ms-outlook",
    };

    private static readonly Dictionary<string, string> Text = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
        [".eml"] = "message/rfc822",
        [".md"] = "text/markdown",
    };

    // Word 97-2003, Excel 97-2003 and Outlook .msg files are OLE compound files.
    private static readonly byte[] OleCompoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private static readonly (byte[] Magic, string Type, string[] Extensions)[] Signatures =
    [
        ("%PDF-"u8.ToArray(), "application/pdf", [".pdf"]),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png", [".png"]),
        ([0xFF, 0xD8, 0xFF], "image/jpeg", [".jpg", ".jpeg"]),
        ("GIF87a"u8.ToArray(), "image/gif", [".gif"]),
        ("GIF89a"u8.ToArray(), "image/gif", [".gif"]),
        ([0x49, 0x49, 0x2A, 0x00], "image/tiff", [".tif", ".tiff"]),
        ([0x4D, 0x4D, 0x00, 0x2A], "image/tiff", [".tif", ".tiff"]),
    ];

    /// <summary>Every content type an attachment can be stored with, for the API description of downloads.</summary>
    public static IReadOnlyList<string> ContentTypes { get; } =
        Signatures.Select(s => s.Type).Concat(ZipOffice.Values).Concat(LegacyOffice.Values).Concat(Text.Values).Distinct().ToArray();

    /// <summary>The content type the bytes prove for a file of this name, or null when they prove none we accept.</summary>
    public static string? Detect(byte[] content, string fileName)
    {
        var extension = Path.GetExtension(fileName);
        foreach (var (magic, type, extensions) in Signatures)
        {
            if (content.AsSpan().StartsWith(magic))
            {
                return extensions.Contains(extension, StringComparer.OrdinalIgnoreCase) ? type : null;
            }
        }

        if (content.AsSpan().StartsWith("PK\x03\x04"u8) && ZipOffice.TryGetValue(extension, out var office))
        {
            return IsOfficeZip(content) ? office : null;
        }

        if (content.AsSpan().StartsWith(OleCompoundFile) && LegacyOffice.TryGetValue(extension, out var legacy))
        {
            return legacy;
        }

        return Text.TryGetValue(extension, out var text) && IsText(content) ? text : null;
    }

    public static string Accepted => "PDF, PNG, JPEG, GIF, TIFF, Word, Excel, PowerPoint, OpenDocument, Outlook .msg, plain text, CSV, Markdown and .eml";

    // OOXML packages carry [Content_Types].xml, OpenDocument ones a "mimetype" entry; any other zip is not a document.
    private static bool IsOfficeZip(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            return zip.Entries.Any(e => e.FullName is "[Content_Types].xml" or "mimetype");
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool IsText(byte[] content)
    {
        if (content.AsSpan().Contains((byte)0))
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
