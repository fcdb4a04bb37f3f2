using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class GetAttachment
{
    public sealed record Query(Guid LetterId, Guid AttachmentId) : IQuery<AttachmentContent>;

    public sealed record AttachmentContent
    {
        public required string FileName { get; init; }

        public required string ContentType { get; init; }

        public required byte[] Content { get; init; }

        public required byte[] Sha256 { get; init; }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, AttachmentContent>
    {
        public async Task<AttachmentContent> Handle(Query query, CancellationToken ct) =>
            await db.QuerySingleOrDefaultAsync<AttachmentContent>("""
                SELECT file_name, content_type, content, sha256 FROM letter_attachments
                WHERE id = @AttachmentId AND letter_id = @LetterId AND organisation_id = current_organisation_id()
                """, query, ct)
            ?? throw new NotFoundException("attachment", query.AttachmentId);
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapGet("{id}/attachments/{attachmentId}",
            async (Guid id, Guid attachmentId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var attachment = await mediator.Send(new Query(id, attachmentId), ct);
                // Lets a client check what it received against the hash recorded at upload.
                http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(attachment.Sha256)}:";
                return Results.File(attachment.Content, attachment.ContentType, attachment.FileName);
            })
        .WithName("GetAttachment")
        .WithSummary("Download an attachment")
        .WithDescription("The file as uploaded, with its content type, file name and `Repr-Digest` (SHA-256).")
        .Produces(StatusCodes.Status200OK, typeof(byte[]), AttachmentTypes.ContentTypes[0], [.. AttachmentTypes.ContentTypes.Skip(1)]);
}
