namespace CaseApi.Features.Deadlines;

/// <summary>Which rules count a period and move its end (issue 13 point 1).</summary>
public enum CountingRules
{
    /// <summary>Reg. (EEC, Euratom) No 1182/71 Art. 3, for periods of EU law (the GDPR's): a last day on a non-working day moves (Art. 3(4)).</summary>
    Reg1182,

    /// <summary>BGB §§ 187–193, for civil-law periods: a last day on a Saturday, Sunday or holiday moves (§ 193).</summary>
    Bgb,

    /// <summary>ZPO § 222: counted as the BGB counts (§ 222(1)); an end on a Saturday, Sunday or general holiday moves to the next working day (§ 222(2)).</summary>
    Zpo222,

    /// <summary>BGB §§ 187, 188 without the § 193 shift: the last day stays, weekend or not (VDuG § 46(1) sentence 2; the urgency window).</summary>
    NoShift,
}

/// <summary>Whose public holidays count: those of the place where the act must be done (Reg. 1182/71 Art. 2(1); BGB § 193; ZPO § 222(2)).</summary>
public enum RuleCalendar
{
    /// <summary>The organisation's: a reply must reach it.</summary>
    Organisation,

    /// <summary>The authority's: its own duty.</summary>
    Authority,

    /// <summary>The court's seat, where the act is filed; the organisation's while no court is named (the computation says so).</summary>
    Court,
}

/// <summary>
/// A rule of the catalogue: a stable <paramref name="Code"/>, its legal basis, its period (ISO 8601; null where the period is
/// given per deadline), how it is counted, whether it can be extended, whether it is a Notfrist, and whose calendar it keeps.
/// </summary>
public sealed record DeadlineRule(
    string Code, string Title, string Basis, string? Period, CountingRules Counting, bool Extendable, bool Notfrist, RuleCalendar Calendar, string Note)
{
    public DeadlinePeriod? ParsedPeriod => DeadlinePeriod.TryParse(Period, out var period) ? period : null;

    /// <summary>
    /// Where the law allows one extension of at most a given length (ISO 8601): a second one, or a longer one, is a 409. Null where an
    /// extendable rule sets no such bound in the catalogue.
    /// </summary>
    /// <example>P12M</example>
    public string? MaxExtension { get; init; }
}

/// <summary>
/// An Oberlandesgericht's practice on how long after knowledge an application for a preliminary injunction is still urgent
/// (§ 12(1) UWG presumes urgency; the courts decide when waiting refutes it). Not statute: a court's rule of thumb, with its source;
/// <paramref name="Sourced"/> false where no decision was found and the period is the safe default of one month.
/// </summary>
public sealed record UrgencyPractice(string Court, string Name, string Period, string Source, bool Sourced = true);

/// <summary>
/// The deadline rules, as code reviewed like code (issue 13: "not as user-editable data"). Each was checked against the
/// statute's text; the README's table lists them with the sources.
/// </summary>
public static class DeadlineRuleCatalogue
{
    public const string LetterResponse = "bgb.letter_response";
    public const string DataSubjectRequest = "gdpr.art12_3";
    public const string DpaProgress = "gdpr.art78_2";
    public const string GdprAppeal = "gdpr.art78_appeal";
    public const string UrgencyWindow = "uwg.urgency_window";
    public const string UwgLimitation = "uwg.limitation_11";
    public const string Appeal = "zpo.appeal_517";
    public const string AppealGrounds = "zpo.appeal_grounds_520_2";
    public const string Enforcement = "zpo.enforcement_929_2";
    public const string AdministrativeAction = "vwgo.action_74";
    public const string RegisterClosing = "vdug.register_closing_46";
    public const string ProcAdmissibility = "gdpr_proc.admissibility";
    public const string ProcTransmission = "gdpr_proc.transmission";
    public const string ProcInvestigation = "gdpr_proc.investigation";
    public const string ProcSimpleCooperation = "gdpr_proc.simple_cooperation";

    /// <summary>
    /// Reg. (EU) 2025/2518 Art. 37: it applies from 2 April 2027. Its Chapter II (Art. 4, lodging of complaints) has no transitional
    /// rule, so a complaint lodged from that day gets its periods; Art. 36 puts Chapters III and IV (the investigation's time limits)
    /// on complaints "lodged after 2 April 2027" only.
    /// </summary>
    public static readonly DateOnly ProceduralRegulationAppliesFrom = new(2027, 4, 2);

    /// <summary>
    /// Reg. (EU) 2025/2518 Art. 36 first paragraph: "Chapters III and IV shall apply ... to complaint-based investigations where the complaint
    /// was lodged after 2 April 2027" — after, so a complaint lodged on 2 April 2027 gets the Art. 4 periods but not Chapter III's time limits.
    /// </summary>
    public static bool ChapterThreeApplies(DateOnly lodgedOn) => lodgedOn > ProceduralRegulationAppliesFrom;
    public const string PenaltyLimitation = "bgb.penalty_limitation_195";
    public const string SettlementOptOut = "vdug.settlement_opt_out_10";
    public const string LetterDelivery = "caseapi.letter_delivery";

    public static readonly IReadOnlyList<DeadlineRule> All =
    [
        new(LetterResponse, "Reply to a letter we sent", "BGB §§ 186–193; Reg. 1182/71 Art. 3 for periods of EU law", null, CountingRules.Bgb,
            Extendable: true, Notfrist: false, RuleCalendar.Organisation,
            "The period or date the letter set; a date given outright moves off a weekend or holiday (BGB § 193) unless set on purpose (rollOver: false)."),
        new(DataSubjectRequest, "Answer to a data subject's request", "GDPR Art. 12(3)", "P1M", CountingRules.Reg1182,
            Extendable: true, Notfrist: false, RuleCalendar.Organisation,
            "One month from receipt; one extension by at most two further months, announced within the first month."),
        new(DpaProgress, "Authority's progress report on a complaint", "GDPR Art. 78(2)", "P3M", CountingRules.Reg1182,
            Extendable: true, Notfrist: false, RuleCalendar.Authority,
            "Three months from filing; every letter from the authority on the complaint starts three more."),
        new(GdprAppeal, "Appeal against an authority's decision", "GDPR Art. 78(1), (3); the court's or national procedure's time limit", null,
            CountingRules.Bgb, Extendable: true, Notfrist: false, RuleCalendar.Organisation,
            "The date the complaint's appeal names (appealDueOn)."),
        new(UrgencyWindow, "Urgency window for a preliminary injunction", "UWG § 12(1) (urgency presumed); the court's practice on when waiting refutes it",
            "P1M", CountingRules.NoShift, Extendable: false, Notfrist: false, RuleCalendar.Court,
            "Not a statutory period: the courts' rule of thumb, per Oberlandesgericht (urgencyPractices), at a Landgericht that of the Oberlandesgericht "
            + "above it (GVG § 119(1) no. 2); one month unless the court is known to allow more. "
            + "Counted without the BGB § 193 shift, as OLG Hamm 4 W 97/10 (9 September 2010) refused it for a month ending on a Sunday."),
        new(UwgLimitation, "Limitation of claims under UWG §§ 8, 9(1), 13(3)", "UWG § 11(1), (2)", "P6M", CountingRules.Bgb,
            Extendable: false, Notfrist: false, RuleCalendar.Court,
            "Six months from knowledge of the circumstances and the debtor, or grossly negligent ignorance (§ 11(2)); not from the year's end (BGB § 199(1) does not apply). "
            + "BGB § 193 applies to the end by analogy (BGH WM 1978, 461). Suspended, not ended, by an application for a preliminary injunction (BGB § 204(1) no. 9)."),
        new(Appeal, "Appeal (Berufung)", "ZPO § 517", "P1M", CountingRules.Zpo222, Extendable: false, Notfrist: true, RuleCalendar.Court,
            "One month from service of the judgment in full form, beginning at the latest when five months from pronouncement have passed; "
            + "a Notfrist: never extended (ZPO § 224(2)), missed means lost save reinstatement (ZPO § 233)."),
        new(AppealGrounds, "Grounds of appeal", "ZPO § 520(2)", "P2M", CountingRules.Zpo222, Extendable: true, Notfrist: false, RuleCalendar.Court,
            "Two months from the same service, beginning at the latest five months after pronouncement; extendable on application "
            + "(with the opponent's consent, or by up to one month without it: § 520(2) sentences 2 and 3)."),
        new(Enforcement, "Enforcement (Vollziehung) of an injunction order", "ZPO § 929(2), with § 936", "P1M", CountingRules.Zpo222,
            Extendable: false, Notfrist: false, RuleCalendar.Court,
            "One month from pronouncement of the order or its service on the applicant; after it enforcement is inadmissible."),
        new(AdministrativeAction, "Action against an authority's decision", "VwGO § 74(1) sentence 2 with BDSG § 20(1), (6)", "P1M", CountingRules.Zpo222,
            Extendable: false, Notfrist: false, RuleCalendar.Authority,
            "One month from notification of the decision: no Vorverfahren (BDSG § 20(6)); counted by VwGO § 57(2) with ZPO § 222; "
            + "the administrative court where the authority sits (BDSG § 20(3)). One year where the notice on remedies is missing or wrong (VwGO § 58(2))."),
        new(RegisterClosing, "Closing of the representative action register", "VDuG § 46(1), (4)", "P3W", CountingRules.NoShift,
            Extendable: false, Notfrist: false, RuleCalendar.Court,
            "Consumers register (or withdraw) until three weeks after the close of the oral hearing; BGB § 193 does not apply (§ 46(1) sentence 2)."),
        new(ProcAdmissibility, "Authority's declaration that a cross-border complaint is inadmissible", "Reg. (EU) 2025/2518 Art. 4(2), with Art. 37", "P2W",
            CountingRules.Reg1182, Extendable: false, Notfrist: false, RuleCalendar.Authority,
            "Two weeks from receipt for the authority lodged with to declare a complaint inadmissible for lacking the information of Art. 4(1); "
            + "for complaints lodged from 2 April 2027. Met by a decision, a transfer or an investigation; waived by a withdrawal. "
            + "Only for cross-border processing (Art. 1): waive it for a purely domestic complaint."),
        new(ProcTransmission, "Transmission of a cross-border complaint to the lead authority", "Reg. (EU) 2025/2518 Art. 4, with Art. 37", "P6W",
            CountingRules.Reg1182, Extendable: false, Notfrist: false, RuleCalendar.Authority,
            "Six weeks from receipt for the authority lodged with to transmit the complaint to the (presumed) lead authority; for complaints lodged from "
            + "2 April 2027. The six weeks as Arthur Cox's briefing of 19 December 2025 states them; the paragraph of Art. 4 that sets them could not be read "
            + "(Art. 4(1), (2) and Art. 6(2), which refers to the lead authority confirming its competence under Art. 4(6), were): the basis names Art. 4 "
            + "without a paragraph until it is checked against the Official Journal. Met by a transfer; waived by a decision of the authority lodged with "
            + "or a withdrawal. Only for cross-border processing (Art. 1)."),
        new(ProcInvestigation, "Lead authority's draft decision in a complaint-based investigation", "Reg. (EU) 2025/2518 Art. 12, with Art. 36", "P15M",
            CountingRules.Reg1182, Extendable: true, Notfrist: false, RuleCalendar.Authority,
            "Fifteen months for the lead authority to conclude its investigation with a draft decision (GDPR Art. 60(3)), counted here from the day "
            + "the complaint is recorded as under_investigation (the lead authority confirming its competence, Art. 4(6)); extendable once, by at most "
            + "twelve months, in complex cases. Chapter III applies only to complaints lodged after 2 April 2027 (Art. 36). Met by a decision; waived by "
            + "a transfer (the lead authority starts its own), a withdrawal or closing. The lengths as the Council's press release of 17 November 2025 "
            + "and the law firms' summaries state them; the paragraphs of Art. 12 are not yet checked against the Official Journal.")
        {
            MaxExtension = "P12M",
        },
        new(ProcSimpleCooperation, "Lead authority's draft decision in the simple cooperation procedure", "Reg. (EU) 2025/2518 Art. 6(1), 12(6), with Art. 36",
            "P12M", CountingRules.Reg1182, Extendable: false, Notfrist: false, RuleCalendar.Authority,
            "Twelve months: under the simple cooperation procedure the lead authority submits its draft decision \"within the time limit referred to in "
            + "Article 12(6)\" (Art. 6(1) second subparagraph); opened instead of gdpr_proc.investigation when the step under_investigation says "
            + "simpleCooperation. Not extendable. Complaints lodged after 2 April 2027 (Art. 36). Met by a decision; waived by a transfer, a withdrawal "
            + "or closing. The twelve months as the Council's press release of 17 November 2025 states them."),
        new(PenaltyLimitation, "Limitation of a contractual-penalty claim", "BGB §§ 195, 199(1), 339 sentence 2", "P3Y", CountingRules.Bgb,
            Extendable: false, Notfrist: false, RuleCalendar.Organisation,
            "A penalty forfeited by a breach of a declaration to cease and desist is a contractual claim (BGB §§ 194 ff., not UWG § 11): three years (§ 195) "
            + "from the end of the year in which it arose and the creditor learnt of the breach and the debtor (§ 199(1)); § 193 by analogy (BGH WM 1978, 461). "
            + "Under \"Hamburger Brauch\" it begins only once the creditor has fixed the amount (BGH I ZR 141/21, 27 October 2022): the date assumes it is fixed "
            + "in the year of knowledge, the earliest end. Not extendable: action or a Mahnbescheid suspends it (§ 204(1) nos. 1, 3)."),
        new(SettlementOptOut, "Registered consumers' exit from a court settlement", "VDuG § 10(1)", "P1M", CountingRules.Bgb,
            Extendable: false, Notfrist: false, RuleCalendar.Court,
            "One month from the settlement's publication (Bekanntgabe) in the Verbandsklageregister (§ 10(1) sentence 2); the exit is declared to the "
            + "Federal Office of Justice. BGB §§ 187(1), 188(2); § 193 applies, as § 10, unlike § 46(1) sentence 2, does not exclude it."),
        new(LetterDelivery, "E-mail letter not delivered", "None: the organisation's own rule (issue 15), not a statutory period", null, CountingRules.NoShift,
            Extendable: false, Notfrist: false, RuleCalendar.Organisation,
            "An alarm, not a legal period: CaseApi's delivery of an e-mail letter failed for good (refused by the server, or still failing after "
            + "its retries), so the letter has not gone out and starts no deadline of the other side. Due at the end of the day of the failure; "
            + "met when the letter is sent after all."),
    ];

    /// <summary>
    /// The urgency window per Oberlandesgericht (all 24 of the court registry), as their decisions state it. Where no decision was found
    /// the court gets the shortest window, one month, marked unsourced: for a lawyer the strict reading is the safe one. An organisation
    /// may set its own window per court (PUT /v1/organisation/urgency-windows/{courtCode}); these are the defaults.
    /// </summary>
    public static readonly IReadOnlyList<UrgencyPractice> UrgencyPractices =
    [
        new("de-kg", "Kammergericht Berlin", "P2M", "KG 5 U 282/08, 5 W 295/10, 5 W 58/21: waiting up to two months is as a rule not harmful"),
        new("de-olg-bamberg", "OLG Bamberg", "P1M", Unsourced, Sourced: false),
        new("de-olg-brandenburg", "Brandenburgisches OLG", "P1M", Unsourced, Sourced: false),
        new("de-olg-braunschweig", "OLG Braunschweig", "P1M",
            $"OLG Braunschweig 2 U 106/11 (14 December 2011) decides when knowledge begins, not how long it lasts. {Unsourced}", Sourced: false),
        new("de-olg-bremen", "Hanseatisches OLG in Bremen", "P1M", Unsourced, Sourced: false),
        new("de-olg-celle", "OLG Celle", "P1M", "OLG Celle: one month as the rule (commentaries' six weeks outdated)"),
        new("de-olg-dresden", "OLG Dresden", "P1M", Unsourced, Sourced: false),
        new("de-olg-duesseldorf", "OLG Düsseldorf", "P2M",
            "OLG Düsseldorf I-20 U 151/07 (31 January 2008), 20 U 155/97 (21 April 1998): between knowledge and the application \"auch ohne besondere Umstände jedenfalls zwei Monate\""),
        new("de-olg-frankfurt", "OLG Frankfurt am Main", "P6W",
            "OLG Frankfurt 6 W 94/12 (27 September 2012): about six weeks as the senate's guide, no rigid limit"),
        new("de-olg-hamburg", "OLG Hamburg", "P1M",
            "OLG Hamburg 5 U 173/06: case by case, two months too long for an average case; 3 U 7/21: six weeks not too long. The one-month default stays the safe reading."),
        new("de-olg-hamm", "OLG Hamm", "P1M", "OLG Hamm 4 W 97/10 (9 September 2010): one month, not extended by BGB § 193; MMR 2009, 628 (4 U 86/09)"),
        new("de-olg-jena", "Thüringer OLG", "P1M", Unsourced, Sourced: false),
        new("de-olg-karlsruhe", "OLG Karlsruhe", "P1M",
            "OLG Karlsruhe 6 U 43/07 (25 April 2007, WRP 2007, 822): the presumption is as a rule refuted after more than one month from knowledge of the act and the infringer"),
        new("de-olg-koblenz", "OLG Koblenz", "P1M", "OLG Koblenz NJW-RR 2011, 624 (9 W 698/10, WRP 2011, 506): one month as the rule"),
        new("de-olg-koeln", "OLG Köln", "P1M",
            "OLG Köln GRUR-RR 2010, 493: one month (as cited in Prütting/Gehrlein, ZPO, § 935 Rn. 10); 6 W 22/19 (12 April 2019): investigations pursued hesitantly refute urgency"),
        new("de-olg-muenchen", "OLG München", "P1M", "OLG München 6 U 4127/10: no longer urgent after more than one month from knowledge (both IP senates); 29 W 2073/07"),
        new("de-olg-naumburg", "OLG Naumburg", "P1M", Unsourced, Sourced: false),
        new("de-olg-nuernberg", "OLG Nürnberg", "P1M",
            "OLG Nürnberg 3 U 562/25 UWG (19 August 2025): more than one month between reliable knowledge and the application is as a rule too long"),
        new("de-olg-oldenburg", "OLG Oldenburg", "P1M", Unsourced, Sourced: false),
        new("de-olg-rostock", "OLG Rostock", "P1M", Unsourced, Sourced: false),
        new("de-olg-saarbruecken", "Saarländisches OLG", "P1M", Unsourced, Sourced: false),
        new("de-olg-schleswig", "Schleswig-Holsteinisches OLG", "P1M",
            "OLG Schleswig 6 U 4/18 (2018): about two months from knowledge to the application refuted urgency; no window stated, one month kept as the safe reading"),
        new("de-olg-stuttgart", "OLG Stuttgart", "P1M",
            "OLG Stuttgart 2 U 167/17 (5 July 2018), 2 U 162/16: less than one month is as a rule harmless, more than eight weeks as a rule refutes urgency; one month kept as the safe reading"),
        new("de-olg-zweibruecken", "Pfälzisches OLG Zweibrücken", "P1M", Unsourced, Sourced: false),
    ];

    private const string Unsourced = "No decision on the court's window found: one month, the shortest window courts apply (OLG München 6 U 4127/10, OLG Hamm 4 W 97/10), as the safe default.";

    public static readonly DeadlinePeriod StrictestUrgency = new(0, 1, 0, 0);

    private static readonly Dictionary<string, DeadlineRule> ByCode = All.ToDictionary(rule => rule.Code, StringComparer.Ordinal);

    public static DeadlineRule Get(string code) => ByCode[code];

    public static UrgencyPractice? Practice(string? court) => UrgencyPractices.FirstOrDefault(practice => practice.Court == court);

    /// <summary>The rule a deadline opened before the catalogue follows, by its kind (the backfill of migration 0020 does the same).</summary>
    public static string ForKind(DeadlineKind kind) => kind switch
    {
        DeadlineKind.Response => LetterResponse,
        DeadlineKind.DataSubjectRequest => DataSubjectRequest,
        DeadlineKind.DpaProgress => DpaProgress,
        DeadlineKind.Appeal => GdprAppeal,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A procedural deadline names its rule."),
    };
}
