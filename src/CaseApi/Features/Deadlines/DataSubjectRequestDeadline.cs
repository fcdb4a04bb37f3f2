using System.Globalization;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// GDPR Art. 12(3): the controller answers "without undue delay and in any event within one month of receipt of the
/// request"; "that period may be extended by two further months where necessary", and the controller "shall inform the
/// data subject of any such extension within one month of receipt of the request, together with the reasons for the
/// delay". EU-law periods, counted as Reg. 1182/71 Art. 3 counts them.
/// </summary>
public static class DataSubjectRequestDeadline
{
    public static readonly DeadlinePeriod Month = new(0, 1, 0, 0);

    /// <summary>"Two further months": one extension, of at most this.</summary>
    public static readonly DeadlinePeriod LongestExtension = new(0, 2, 0, 0);

    private const string Rule = "GDPR Art. 12(3)";

    /// <summary>
    /// The month from receipt: from the day the delivery receipt shows, or, while none is recorded, from the day of
    /// sending, which the computation then says it assumes.
    /// </summary>
    public static ComputedDeadline FromReceipt(DeadlineRules rules, DateTimeOffset sentAt, DateOnly? deliveredOn)
    {
        var due = rules.FromPeriod(deliveredOn is { } day ? DeadlineKeeper.InstantOf(day) : sentAt, Month);
        var receipt = deliveredOn is { } received
            ? $"one month from receipt of the request on {received.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (delivery recorded)"
            : "one month from receipt of the request, assumed on the day of sending as no delivery is recorded";
        return due with { Computation = $"{Rule}, {receipt}; Reg. 1182/71 Art. 3: {due.Computation}" };
    }

    /// <summary>
    /// The extension Art. 12(3) allows, or a 409 naming the rule: a second one, one announced after the first month
    /// ended (the data subject must hear of it within that month), or one longer than two further months.
    /// </summary>
    internal static void CheckExtension(DeadlineRow current, ComputedDeadline extended, DeadlineRules rules, DateTimeOffset now)
    {
        var longest = rules.Extend(current.Computed(), LongestExtension);
        var (reason, detail) =
            current.ExtendedAt is { } at ? ("second_extension", $"{Rule} allows one extension, and this deadline was extended on {Iso(rules.LocalDay(at))}.")
            : now > current.DueAt ? ("after_deadline",
                $"{Rule}: an extension must be announced to the data subject within one month of receipt, and that month ended on {Iso(current.DueDate)}.")
            : extended.DueDate > longest.DueDate ? ("longer_than_two_months",
                $"{Rule} allows at most two further months, to {Iso(longest.DueDate)}; the extension asked for ends on {Iso(extended.DueDate)}.")
            : (null, null);
        if (reason is not null)
        {
            throw new ConflictException("extension_not_allowed", detail!,
                new Dictionary<string, object?> { ["rule"] = Rule, ["reason"] = reason });
        }
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
