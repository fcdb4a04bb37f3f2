using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class UpdateDraftLetter
{
    /// <summary>Changes to a draft (JSON Merge Patch). Sent and received letters are a record and cannot change.</summary>
    public sealed record Changes
    {
        /// <summary>Subject line.</summary>
        public Optional<string> Subject { get; init; }

        /// <summary>The text.</summary>
        public Optional<string?> Body { get; init; }

        /// <summary>How it will travel.</summary>
        public Optional<LetterChannel> Channel { get; init; }

        /// <summary>What kind of letter.</summary>
        public Optional<LetterType> Type { get; init; }

        /// <summary>For an e-mail letter: the address CaseApi delivers it to; null to take the defendant's <c>email</c> or the authority's published complaint address.</summary>
        public Optional<string?> RecipientAddress { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Changes Changes) : ICommand<LetterDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.Subject.IsSet, () => RuleFor(c => c.Changes.Subject.Value).NotEmpty().IsShortText(LetterLimits.MaxSubjectLength));
            RuleFor(c => c.Changes.Body.Value).IsShortText(LetterLimits.MaxBodyLength);
            RuleFor(c => c.Changes.Channel.Value).IsInEnum();
            RuleFor(c => c.Changes.Type.Value).IsInEnum();
            RuleFor(c => c.Changes.RecipientAddress.Value).Must(MailAddresses.IsAddress).When(c => c.Changes.RecipientAddress.Value is not null)
                .WithMessage(MailAddresses.AddressMessage);
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, LetterDto>
    {
        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await LetterReader.LoadDraftForChangeAsync(db, cmd.Id, cmd.ExpectedVersion, "changed", ct);

            var changes = cmd.Changes;
            await db.ExecuteAsync("""
                UPDATE letters SET subject = @subject, body = @body, channel = @channel, type = @type, recipient_address = @recipientAddress, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """,
                new
                {
                    id = cmd.Id, subject = changes.Subject.Or(current.Subject), body = changes.Body.Or(current.Body),
                    channel = SnakeCase.From(changes.Channel.Or(current.Channel)), type = SnakeCase.From(changes.Type.Or(current.Type)),
                    recipientAddress = changes.RecipientAddress.Or(current.RecipientAddress), now = clock.GetUtcNow(),
                },
                ct);
            return (await LetterReader.LoadAsync(db, cmd.Id, ct))!;
        }
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapVersionedChange(HttpMethods.Patch, "{id}", (Guid id, int? version, Changes body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("UpdateDraftLetter")
        .WithSummary("Change a draft letter")
        .WithDescription("JSON Merge Patch on a draft; 409 for letters already sent or received. Requires `If-Match`.")
        .Produces<LetterDto>();
}
