using System.Security.Cryptography;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Correspondence;

/// <summary>Stores a file on a letter after checking its bytes: one check for uploads and for the attachments of imported messages.</summary>
internal static class AttachmentStore
{
    public const long MaxBytes = 25 * 1024 * 1024;

    public static async Task<AttachmentDto> StoreAsync(DbSession db, Guid letterId, string fileName, byte[] content, DateTimeOffset now, CancellationToken ct)
    {
        var contentType = Check(fileName, content);
        var id = Guid.CreateVersion7(now);
        var sha256 = SHA256.HashData(content);
        await db.ExecuteAsync("""
            INSERT INTO letter_attachments (id, organisation_id, letter_id, file_name, content_type, size, sha256, content, created_at)
            VALUES (@id, current_organisation_id(), @letterId, @fileName, @contentType, @size, @sha256, @content, @now)
            """, new { id, letterId, fileName, contentType, size = content.LongLength, sha256, content, now }, ct);
        return new AttachmentDto { Id = id, FileName = fileName, ContentType = contentType, Size = content.LongLength, Sha256 = Convert.ToHexStringLower(sha256) };
    }

    /// <summary>The file's content type; 413 or 415 naming the file when it is too large or not a type we accept.</summary>
    public static string Check(string fileName, byte[] content)
    {
        if (content.LongLength > MaxBytes)
        {
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "attachment_too_large",
                $"'{fileName}' has {content.LongLength} bytes; attachments are limited to {MaxBytes / (1024 * 1024)} MB.");
        }

        return AttachmentTypes.Detect(content, fileName)
            ?? throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_attachment_type",
                $"'{fileName}' is not a file of a type we accept, or its content does not match its name. Accepted: {AttachmentTypes.Accepted}.");
    }
}
