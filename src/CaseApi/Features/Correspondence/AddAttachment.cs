using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Features.Correspondence;

public static class AddAttachment
{
    public const long MaxBytes = AttachmentStore.MaxBytes;

    // Room for the multipart envelope around a file of the maximum size.
    private const long MaxRequestBytes = MaxBytes + (64 * 1024);

    public sealed record Command(Guid LetterId, string FileName, byte[] Content) : ICommand<AttachmentDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.FileName).NotEmpty().MaximumLength(255)
                .Must(name => name.IndexOfAny(['/', '\\']) < 0 && !name.Any(char.IsControl)).WithMessage("A plain file name, without a path.")
                .OverridePropertyName("file");
            RuleFor(c => c.Content).NotEmpty().WithMessage("The file is empty.").OverridePropertyName("file");
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, TimeProvider clock) : IRequestHandler<Command, AttachmentDto>
    {
        public async Task<AttachmentDto> Handle(Command cmd, CancellationToken ct)
        {
            var caseId = await db.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT case_id FROM letters WHERE id = @LetterId AND organisation_id = current_organisation_id()", new { cmd.LetterId }, ct)
                ?? throw new NotFoundException("letter", cmd.LetterId);
            var stored = await AttachmentStore.StoreAsync(db, cmd.LetterId, cmd.FileName, cmd.Content, clock.GetUtcNow(), ct);
            await timeline.AppendAsync(caseId, "letter.attachment_added", $"Attachment added: {cmd.FileName}.", "letter", cmd.LetterId,
                details: new { attachmentId = stored.Id, cmd.FileName, stored.ContentType, stored.Sha256 }, ct: ct);
            return stored;
        }
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapPost("{id}/attachments", async (Guid id, IFormFile file, IMediator mediator, CancellationToken ct) =>
        {
            if (file.Length > MaxBytes)
            {
                throw new BadHttpRequestException($"Attachments are limited to {MaxBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            var created = await mediator.Send(new Command(id, Path.GetFileName(file.FileName), buffer.ToArray()), ct);
            return Results.Created($"/v1/letters/{id}/attachments/{created.Id}", created);
        })
        .DisableAntiforgery()
        .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
        .RequireAuthorization(Policies.Write)
        .WithName("AddAttachment")
        .WithSummary("Attach a file to a letter")
        .WithDescription("Multipart upload, field `file`, up to 25 MB (413 beyond). The type is decided from the bytes and must fit the file name: PDF, images, text and office documents; anything else, such as an executable renamed to .pdf, gets 415. Stored with its SHA-256; an upload that fails leaves nothing behind.")
        .Produces<AttachmentDto>(StatusCodes.Status201Created);
}
