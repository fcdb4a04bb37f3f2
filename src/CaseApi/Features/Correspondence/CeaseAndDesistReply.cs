using FluentValidation;

namespace CaseApi.Features.Correspondence;

/// <summary>What a reply to a cease-and-desist letter (Abmahnung, UWG § 13) is.</summary>
public enum CeaseAndDesistReplyKind
{
    /// <summary>A declaration to cease and desist with a penalty clause (strafbewehrte Unterlassungserklärung).</summary>
    Declaration,

    /// <summary>A declaration covering only part of what the letter asked for, or without a penalty clause that removes the risk of repetition.</summary>
    PartialDeclaration,

    /// <summary>The defendant refuses.</summary>
    Refusal,

    /// <summary>The defendant asks for more time; the lawyer may extend the deadline (<c>POST /v1/deadlines/{id}/extend</c>).</summary>
    ExtensionRequest,
}

/// <summary>How the contractual penalty of a declaration is set.</summary>
public enum PenaltyKind
{
    /// <summary>A fixed amount for each breach (BGB § 339).</summary>
    Fixed,

    /// <summary>
    /// "Hamburger Brauch": the creditor fixes an adequate amount after a breach at its reasonable discretion (BGB § 315(1)), open to review by the
    /// court (§ 315(3)); <c>amount</c>, if given, is the cap.
    /// </summary>
    HamburgerBrauch,
}

/// <summary>The penalty clause of a declaration.</summary>
public sealed record Penalty
{
    /// <summary>Fixed amount or "Hamburger Brauch".</summary>
    /// <example>fixed</example>
    public required PenaltyKind Kind { get; init; }

    /// <summary>The amount per breach (fixed), or the cap (Hamburger Brauch, optional).</summary>
    /// <example>5100</example>
    public decimal? Amount { get; init; }

    /// <summary>ISO 4217 currency of <c>amount</c>.</summary>
    /// <example>EUR</example>
    public string? Currency { get; init; }
}

/// <summary>
/// The classification of an incoming reply to a cease-and-desist letter. Only a declaration the organisation accepts as adequate meets the letter's
/// deadline; a refusal, a partial declaration or one not accepted ends it as <c>refused</c> and escalates the case; a request for more time leaves
/// it running.
/// </summary>
public sealed record CeaseAndDesistReply
{
    /// <summary>What the reply is.</summary>
    /// <example>declaration</example>
    public required CeaseAndDesistReplyKind Kind { get; init; }

    /// <summary>The penalty clause (declarations and partial declarations).</summary>
    public Penalty? Penalty { get; init; }

    /// <summary>For a declaration: whether the organisation accepts it as adequate (it then removes the risk of repetition and binds the defendant).</summary>
    public bool? AcceptedAsAdequate { get; init; }

    /// <summary>For an extension request: the day the defendant asks for.</summary>
    /// <example>2025-05-21</example>
    public DateOnly? RequestedUntil { get; init; }

    /// <summary>A declaration accepted as adequate: the one reply that meets the deadline.</summary>
    public bool MeetsDeadline() => Kind == CeaseAndDesistReplyKind.Declaration && AcceptedAsAdequate == true;

    /// <summary>A refusal, a partial declaration, or a declaration not accepted: the deadline ends as refused.</summary>
    public bool Refuses() => Kind is CeaseAndDesistReplyKind.Refusal or CeaseAndDesistReplyKind.PartialDeclaration
        || (Kind == CeaseAndDesistReplyKind.Declaration && AcceptedAsAdequate == false);
}

/// <summary>Each field of the reply where it fits its kind; the names are JSON paths below <c>ceaseAndDesistReply</c>.</summary>
public sealed class CeaseAndDesistReplyValidator : AbstractValidator<CeaseAndDesistReply>
{
    public CeaseAndDesistReplyValidator()
    {
        RuleFor(r => r.Kind).IsInEnum();
        var declaration = (CeaseAndDesistReply r) => r.Kind is CeaseAndDesistReplyKind.Declaration or CeaseAndDesistReplyKind.PartialDeclaration;
        RuleFor(r => r.Penalty).NotNull().When(declaration).WithMessage("A declaration names its penalty clause.");
        RuleFor(r => r.Penalty).Null().Unless(declaration).WithMessage("Only declarations carry a penalty clause.");
        RuleFor(r => r.AcceptedAsAdequate).NotNull().When(r => r.Kind == CeaseAndDesistReplyKind.Declaration)
            .WithMessage("Say whether the organisation accepts the declaration as adequate.");
        RuleFor(r => r.AcceptedAsAdequate).NotEqual(true).When(r => r.Kind != CeaseAndDesistReplyKind.Declaration)
            .WithMessage("Only a full declaration can be accepted as adequate.");
        RuleFor(r => r.RequestedUntil).NotNull().When(r => r.Kind == CeaseAndDesistReplyKind.ExtensionRequest)
            .WithMessage("An extension request names the day asked for.");
        RuleFor(r => r.RequestedUntil).Null().When(r => r.Kind != CeaseAndDesistReplyKind.ExtensionRequest)
            .WithMessage("Only an extension request names a day.");
        When(r => r.Penalty is not null, () =>
        {
            RuleFor(r => r.Penalty!.Kind).IsInEnum();
            RuleFor(r => r.Penalty!.Amount).NotNull().When(r => r.Penalty!.Kind == PenaltyKind.Fixed)
                .WithMessage("A fixed penalty names its amount.");
            RuleFor(r => r.Penalty!.Amount).GreaterThan(0).LessThan(10_000_000_000m);
            RuleFor(r => r.Penalty!.Currency).NotNull().Matches("^[A-Z]{3}$").When(r => r.Penalty!.Amount is not null)
                .WithMessage("An amount names its ISO 4217 currency, e.g. EUR.");
            RuleFor(r => r.Penalty!.Currency).Null().When(r => r.Penalty!.Amount is null)
                .WithMessage("A currency goes with an amount.");
        });
    }
}
