using System.Buffers.Binary;
using System.Diagnostics;
using CaseApi.Benchmarks.Support;
using Npgsql;
using NpgsqlTypes;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>How much the generated data set holds, spread evenly over the organisations.</summary>
internal sealed record DataSetSize(string Label, int Organisations, int DefendantsPerOrganisation, int Cases, int Complaints, int Letters, int Deadlines)
{
    public static readonly DataSetSize Full = new("full", 10, 200, 100_000, 300_000, 1_000_000, 1_000_000);

    public static readonly DataSetSize Quick = new("quick", 10, 50, 10_000, 30_000, 100_000, 100_000);

    public override string ToString() =>
        $"{Organisations} organisations, {Cases:N0} cases, {Complaints:N0} complaints, {Letters:N0} letters, {Deadlines:N0} deadlines, " +
        $"{Organisations * DefendantsPerOrganisation:N0} defendants";
}

/// <summary>
/// Writes a realistic history for existing organisations with PostgreSQL's binary COPY: defendants (a few large
/// platforms named in most cases), cases opened over the last seven years (more of them recently; some on hold, some
/// closed with an outcome), complaints with authorities in every state of their lifecycle, letters in and out (drafts
/// only in cases still running), a response deadline for every letter sent and GDPR Art. 78(2) deadlines for the
/// complaints filed, met, missed, escalated, waived or still open as their dates say. Deterministic: the same seed,
/// size and "now" give the same rows.
/// </summary>
/// <remarks>
/// Written as the superuser with <c>session_replication_role = replica</c>, which turns off triggers and with them
/// the foreign-key checks: with them on, every row would look up (and lock) the rows it names, and a million letters
/// would take minutes. The rows are consistent by construction (and checked afterwards); CHECK and unique constraints
/// still apply. The triggers whose work the API relies on, the sweep's watch list and the cases' counters (migration
/// 0037), are replayed in SQL. No timeline
/// entries or events are written for this history: no measured request reads them.
/// </remarks>
internal sealed class LoadDataSet
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateOnly FirstDay = new(2019, 1, 1);

    private static readonly string[] Platforms =
    [
        "Meta Platforms Ireland Limited", "Google Ireland Limited", "TikTok Technology Limited", "Amazon Europe Core S.à r.l.",
        "Microsoft Ireland Operations Limited", "Apple Distribution International Limited", "X Internet Unlimited Company",
        "LinkedIn Ireland Unlimited Company", "SCHUFA Holding AG", "Zalando SE", "Deutsche Telekom AG", "Spotify AB",
    ];

    private static readonly string[] Topics =
    [
        "training AI on users' posts", "tracking pixels without consent", "cookie banner without a reject button", "dark patterns in the sign-up",
        "access request left unanswered", "credit scoring without explanation", "transfer of data to the US", "retention of deleted accounts",
        "facial recognition in stores", "selling location data", "children's data in advertising", "unlawful direct marketing",
    ];

    private static readonly string[] Tags =
        ["ai-training", "tracking", "cookies", "consent", "access-request", "scoring", "transfers", "children", "marketing", "biometrics", "meta", "google"];

    private static readonly string[] LegalBases =
    [
        "GDPR Art. 5(1)(a)", "GDPR Art. 6(1)(f)", "GDPR Art. 7", "GDPR Art. 12(3)", "GDPR Art. 15", "GDPR Art. 17", "GDPR Art. 21", "GDPR Art. 44",
        "TTDSG § 25", "UWG § 7"
    ];

    private static readonly string[] Lawyers =
    [
        "Dr. Anna Berger", "Jonas Weber", "Miriam Schulz", "Lukas Hoffmann", "Sophie Wagner", "Elias Becker", "Clara Fischer", "Noah Richter",
        "Lea Klein", "Paul Wolf"
    ];

    private static readonly string[] CaseOutcomes =
        ["settled", "injunction granted", "cease-and-desist declaration signed", "fine imposed by the authority", "dismissed", "withdrawn"];

    private static readonly (string Status, int Weight)[] ComplaintStatuses =
    [
        ("draft", 5), ("filed", 15), ("acknowledged", 15), ("under_investigation", 25), ("transferred", 5), ("decided", 15), ("appealed", 3),
        ("withdrawn", 5), ("closed", 12),
    ];

    private static readonly (string Outcome, int Weight)[] DecisionOutcomes =
        [("upheld", 40), ("partially_upheld", 20), ("rejected", 20), ("dismissed", 10), ("settled", 10)];

    private static readonly (string Type, int Weight)[] ToDefendant =
        [("cease_and_desist", 25), ("request_for_information", 25), ("data_subject_request", 15), ("reminder", 15), ("other", 20)];

    private static readonly (string Type, int Weight)[] ToAuthority = [("complaint_submission", 50), ("reminder", 20), ("other", 30)];

    private static readonly (string Type, int Weight)[] FromDefendant = [("reply", 60), ("acknowledgement", 25), ("other", 15)];

    private static readonly (string Type, int Weight)[] FromAuthority = [("acknowledgement", 35), ("decision", 15), ("reply", 50)];

    private static readonly (string Channel, int Weight)[] Channels =
        [("email", 50), ("post", 15), ("registered_post", 15), ("fax", 5), ("courier", 5), ("portal", 10)];

    private static readonly string[] Paragraphs =
    [
        "We represent consumers affected by the processing described below and write to you on their behalf.",
        "The processing lacks a legal basis under Art. 6(1) GDPR; legitimate interests do not override the data subjects' rights here.",
        "We ask you to cease the processing and to confirm in writing that you have done so.",
        "Please provide a copy of the personal data you hold and the information listed in Art. 15(1) GDPR.",
        "Should you not respond in time, we will take legal action without further notice.",
        "We refer to our previous correspondence and note that no answer has reached us so far.",
    ];

    private readonly Random random = new(20260601);
    private readonly DataSetSize size;
    private readonly DateTimeOffset now;
    private readonly DateOnly today;
    private readonly IReadOnlyList<(Guid Id, string Country)> authorities;
    private readonly Guid leadAuthority;
    private long nextId;

    private LoadDataSet(DataSetSize size, DateTimeOffset now, IReadOnlyList<(Guid Id, string Country)> authorities, Guid leadAuthority)
    {
        this.size = size;
        this.now = now;
        today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Berlin).DateTime);
        this.authorities = authorities;
        this.leadAuthority = leadAuthority;
        // Ids in the layout of Guid.CreateVersion7, one millisecond apart in the order rows are written, so that every
        // primary key and (organisation, case, id) index grows at its end; ids of rows the API adds later sort after them.
        nextId = now.AddDays(-2).ToUnixTimeMilliseconds();
    }

    private sealed record Case(Guid Id, string Reference, DateOnly OpenedOn, DateOnly? ClosedOn, Guid[] Defendants);

    private sealed record Complaint(Guid Id, Case Case, Guid DefendantId, Guid DpaId, string Status, DateOnly? FiledOn);

    private sealed record Letter(Guid Id, Case Case, Complaint? Complaint, Guid? DefendantId, Guid? DpaId, string Type, string Status, DateTimeOffset? SentAt);

    /// <summary>Writes the data set into <paramref name="database"/>, whose organisations exist already, and returns what it wrote.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> GenerateAsync(
        BenchmarkDatabase database, IReadOnlyList<Guid> organisations, DataSetSize size, DateTimeOffset now, CancellationToken ct)
    {
        if (organisations.Count != size.Organisations || size.Cases % size.Organisations != 0 || size.Complaints % size.Organisations != 0
            || size.Letters % size.Organisations != 0 || size.Deadlines % size.Organisations != 0)
        {
            throw new ArgumentException($"The data set ({size}) must divide evenly among {organisations.Count} organisations.");
        }

        List<(Guid Id, string Country)> authorities;
        await using (var connection = await database.OpenAsSuperUserAsync(ct))
        await using (var command = new NpgsqlCommand("SELECT id, countries[1] FROM dpas WHERE cardinality(countries) > 0 ORDER BY code", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            authorities = [];
            while (await reader.ReadAsync(ct))
            {
                authorities.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var generator = new LoadDataSet(size, now, authorities, authorities.First(a => a.Country == "IE").Id);
        await using (var tables = await Tables.OpenAsync(database, ct))
        {
            foreach (var organisation in organisations)
            {
                generator.WriteOrganisation(organisation, tables);
            }

            await tables.CompleteAsync(ct);
        }

        return await FinishAsync(database, ct);
    }

    private void WriteOrganisation(Guid organisation, Tables tables)
    {
        var defendants = WriteDefendants(organisation, tables.Defendants);
        var cases = WriteCases(organisation, defendants, tables);
        var complaints = WriteComplaints(organisation, cases, tables.Complaints);
        var letters = WriteLetters(organisation, cases, complaints, tables.Letters);
        WriteDeadlines(organisation, cases, complaints, letters, tables.Deadlines);
    }

    private (Guid Id, string Name)[] WriteDefendants(Guid organisation, NpgsqlBinaryImporter table)
    {
        var defendants = new (Guid Id, string Name)[size.DefendantsPerOrganisation];
        for (var i = 0; i < defendants.Length; i++)
        {
            var platform = i < Platforms.Length;
            defendants[i] = (NextId(), platform ? Platforms[i] : $"Datenhandel {i:D3} GmbH");
            var created = At(Day(FirstDay, today.AddDays(-400)), 9);
            table.StartRow();
            table.Write(defendants[i].Id, NpgsqlDbType.Uuid);
            table.Write(organisation, NpgsqlDbType.Uuid);
            table.Write(defendants[i].Name, NpgsqlDbType.Text);
            table.Write(platform ? "IE" : "DE", NpgsqlDbType.Text);
            table.Write(platform ? $"{i + 1} Grand Canal Square, Dublin 2, Ireland" : $"Industriestraße {i}, 50667 Köln", NpgsqlDbType.Text);
            table.Write(created, NpgsqlDbType.TimestampTz);
            table.Write(created, NpgsqlDbType.TimestampTz);
        }

        return defendants;
    }

    private List<Case> WriteCases(Guid organisation, (Guid Id, string Name)[] defendants, Tables tables)
    {
        var count = size.Cases / size.Organisations;
        var cases = new List<Case>(count);
        var span = today.DayNumber - FirstDay.DayNumber;
        // Opened more often lately: the square root pulls the days towards today.
        var opened = Enumerable.Range(0, count).Select(_ => FirstDay.AddDays((int)(span * Math.Sqrt(random.NextDouble())))).Order().ToArray();
        for (var i = 0; i < count; i++)
        {
            var openedOn = opened[i];
            var age = today.DayNumber - openedOn.DayNumber;
            var roll = random.Next(100);
            var status = age > 60 && roll < 30 ? "closed" : roll < 45 ? "on_hold" : "open";
            DateOnly? closedOn = status == "closed" ? openedOn.AddDays(60 + random.Next(age - 59)) : null;
            // Most cases pursue one of the platforms; a few pursue two defendants.
            var first = defendants[(int)(defendants.Length * Math.Pow(random.NextDouble(), 3))];
            var second = defendants[random.Next(defendants.Length)];
            Guid[] named = random.Next(100) < 15 && second != first ? [first.Id, second.Id] : [first.Id];
            var item = new Case(NextId(), $"VZ-{openedOn.Year}-{i + 1:D5}", openedOn, closedOn, named);
            cases.Add(item);

            var topic = Topics[random.Next(Topics.Length)];
            var created = At(openedOn, 9 + random.Next(8));
            var updated = Between(created, closedOn is { } closed ? At(closed, 17) : now);
            var table = tables.Cases;
            table.StartRow();
            table.Write(item.Id, NpgsqlDbType.Uuid);
            table.Write(organisation, NpgsqlDbType.Uuid);
            table.Write(item.Reference, NpgsqlDbType.Text);
            table.Write($"{first.Name.Split(' ')[0]}: {topic}", NpgsqlDbType.Text);
            table.Write($"Consumers complain about {topic}. Opened after {1 + random.Next(400)} reports through the complaint form.", NpgsqlDbType.Text);
            table.Write(status, NpgsqlDbType.Text);
            WriteOrNull(table, status == "closed" ? CaseOutcomes[random.Next(CaseOutcomes.Length)] : null, NpgsqlDbType.Text);
            table.Write(Pick(LegalBases, 1 + random.Next(2)), NpgsqlDbType.Array | NpgsqlDbType.Text);
            table.Write(Pick(Tags, 1 + random.Next(3)), NpgsqlDbType.Array | NpgsqlDbType.Text);
            table.Write(Lawyers[random.Next(Lawyers.Length)], NpgsqlDbType.Text);
            table.Write(openedOn, NpgsqlDbType.Date);
            WriteOrNull(table, closedOn, NpgsqlDbType.Date);
            table.Write(1 + random.Next(6), NpgsqlDbType.Integer);
            table.Write(created, NpgsqlDbType.TimestampTz);
            table.Write(updated, NpgsqlDbType.TimestampTz);

            foreach (var defendant in named)
            {
                tables.CaseDefendants.StartRow();
                tables.CaseDefendants.Write(organisation, NpgsqlDbType.Uuid);
                tables.CaseDefendants.Write(item.Id, NpgsqlDbType.Uuid);
                tables.CaseDefendants.Write(defendant, NpgsqlDbType.Uuid);
            }
        }

        return cases;
    }

    private List<Complaint>[] WriteComplaints(Guid organisation, List<Case> cases, NpgsqlBinaryImporter table)
    {
        var byCase = Spread(size.Complaints / size.Organisations, cases.Count).Select(n => new List<Complaint>(n)).ToArray();
        for (var c = 0; c < cases.Count; c++)
        {
            var item = cases[c];
            for (var k = 0; k < byCase[c].Capacity; k++)
            {
                var status = Weighted(ComplaintStatuses);
                var lastDay = item.ClosedOn ?? today.AddDays(-1);
                DateOnly? filedOn = status == "draft" || (status == "withdrawn" && random.Next(2) == 0)
                    ? null
                    : Day(item.OpenedOn, lastDay);
                // Half go to the lead authority of the platforms (Art. 56), the rest mostly to the German ones.
                var dpa = random.Next(2) == 0 ? leadAuthority : PickAuthority();
                var complaint = new Complaint(NextId(), item, item.Defendants[random.Next(item.Defendants.Length)], dpa, status, filedOn);
                byCase[c].Add(complaint);

                var decided = status is "decided" or "appealed" or "closed" && filedOn is not null;
                DateOnly? decidedOn = decided ? Day(filedOn!.Value, lastDay) : null;
                var outcome = decided ? Weighted(DecisionOutcomes) : null;
                var fined = outcome == "upheld" && random.Next(3) == 0;
                var created = At(filedOn ?? item.OpenedOn, 11);
                table.StartRow();
                table.Write(complaint.Id, NpgsqlDbType.Uuid);
                table.Write(organisation, NpgsqlDbType.Uuid);
                table.Write(item.Id, NpgsqlDbType.Uuid);
                table.Write(complaint.DefendantId, NpgsqlDbType.Uuid);
                table.Write(dpa, NpgsqlDbType.Uuid);
                table.Write(random.Next(5) < 3 ? "organisation" : "complainants", NpgsqlDbType.Text);
                WriteOrNull(table, filedOn is null ? null : $"C-{filedOn.Value.Year}-{random.Next(100_000):D5}", NpgsqlDbType.Text);
                WriteOrNull(table, filedOn, NpgsqlDbType.Date);
                table.Write(Pick(LegalBases, 1 + random.Next(3)), NpgsqlDbType.Array | NpgsqlDbType.Text);
                table.Write(status, NpgsqlDbType.Text);
                WriteOrNull(table, status == "transferred" ? leadAuthority : (Guid?)null, NpgsqlDbType.Uuid);
                WriteOrNull(table, outcome, NpgsqlDbType.Text);
                WriteOrNull(table, decidedOn, NpgsqlDbType.Date);
                // Migration 0019: a decision names the authority that took it; an appeal, who brought it and before which court.
                WriteOrNull(table, decided ? dpa : (Guid?)null, NpgsqlDbType.Uuid);
                WriteOrNull(table, status == "appealed" ? "controller" : null, NpgsqlDbType.Text);
                WriteOrNull(table, status == "appealed" ? "Verwaltungsgericht Köln" : null, NpgsqlDbType.Text);
                WriteOrNull(table, fined ? 10_000m * (1 + random.Next(5_000)) : (decimal?)null, NpgsqlDbType.Numeric);
                WriteOrNull(table, fined ? "EUR" : null, NpgsqlDbType.Text);
                // One version per step along the lifecycle.
                table.Write(1 + Array.FindIndex(ComplaintStatuses, s => s.Status == status), NpgsqlDbType.Integer);
                table.Write(created, NpgsqlDbType.TimestampTz);
                table.Write(decidedOn is { } day ? At(day, 15) : created, NpgsqlDbType.TimestampTz);
            }
        }

        return byCase;
    }

    private List<Letter>[] WriteLetters(Guid organisation, List<Case> cases, List<Complaint>[] complaints, NpgsqlBinaryImporter table)
    {
        var byCase = Spread(size.Letters / size.Organisations, cases.Count).Select(n => new List<Letter>(n)).ToArray();
        for (var c = 0; c < cases.Count; c++)
        {
            var item = cases[c];
            var running = item.ClosedOn is null;
            for (var k = 0; k < byCase[c].Capacity; k++)
            {
                // Drafts wait only in cases still running: about one letter in ten overall.
                var roll = random.Next(100);
                var status = running && roll < 14 ? "draft" : roll < (running ? 40 : 28) ? "received" : "sent";
                var outgoing = status != "received";
                var withAuthority = complaints[c].Count > 0 && random.Next(100) < 35;
                var complaint = withAuthority ? complaints[c][random.Next(complaints[c].Count)] : null;
                var type = Weighted(outgoing ? withAuthority ? ToAuthority : ToDefendant : withAuthority ? FromAuthority : FromDefendant);
                var at = status == "draft"
                    ? now.AddMinutes(-random.Next(30 * 24 * 60))
                    : Between(At(item.OpenedOn, 9), item.ClosedOn is { } closed ? At(closed, 9) : now.AddHours(-1));
                var letter = new Letter(NextId(), item, complaint, withAuthority ? null : item.Defendants[random.Next(item.Defendants.Length)],
                    complaint?.DpaId, type, status, status == "sent" ? at : null);
                byCase[c].Add(letter);

                table.StartRow();
                table.Write(letter.Id, NpgsqlDbType.Uuid);
                table.Write(organisation, NpgsqlDbType.Uuid);
                table.Write(item.Id, NpgsqlDbType.Uuid);
                WriteOrNull(table, complaint?.Id, NpgsqlDbType.Uuid);
                table.Write(outgoing ? "outgoing" : "incoming", NpgsqlDbType.Text);
                table.Write(type, NpgsqlDbType.Text);
                WriteOrNull(table, letter.DefendantId, NpgsqlDbType.Uuid);
                WriteOrNull(table, letter.DpaId, NpgsqlDbType.Uuid);
                table.Write(withAuthority && random.Next(2) == 0 ? "portal" : Weighted(Channels), NpgsqlDbType.Text);
                table.Write($"{char.ToUpperInvariant(type[0])}{type[1..].Replace('_', ' ')} — {item.Reference}", NpgsqlDbType.Text);
                table.Write(string.Join("\n\n", Pick(Paragraphs, 2 + random.Next(3))), NpgsqlDbType.Text);
                table.Write(status, NpgsqlDbType.Text);
                WriteOrNull(table, letter.SentAt, NpgsqlDbType.TimestampTz);
                WriteOrNull(table, status == "received" ? at : (DateTimeOffset?)null, NpgsqlDbType.TimestampTz);
                table.Write(status == "sent" ? 2 : 1, NpgsqlDbType.Integer);
                table.Write(status == "sent" ? at.AddHours(-random.Next(1, 72)) : at, NpgsqlDbType.TimestampTz);
                table.Write(at, NpgsqlDbType.TimestampTz);
            }
        }

        return byCase;
    }

    /// <summary>
    /// A response deadline for every letter sent, and the organisation's remaining deadlines as Art. 78(2) ones, spread
    /// evenly over its complaints that were filed, so that the total is exact.
    /// </summary>
    private void WriteDeadlines(Guid organisation, List<Case> cases, List<Complaint>[] complaints, List<Letter>[] letters, NpgsqlBinaryImporter table)
    {
        var sent = letters.Sum(l => l.Count(x => x.Status == "sent"));
        var filed = complaints.Sum(l => l.Count(x => x.FiledOn is not null));
        var progress = size.Deadlines / size.Organisations - sent;
        if (progress < 0 || (progress > 0 && filed == 0))
        {
            throw new InvalidOperationException($"{sent:N0} letters sent leave {progress:N0} deadlines for {filed:N0} filed complaints.");
        }

        var rank = 0L;
        for (var c = 0; c < cases.Count; c++)
        {
            foreach (var letter in letters[c].Where(l => l.Status == "sent"))
            {
                var startsOn = LocalDay(letter.SentAt!.Value);
                var statutory = letter.Type == "data_subject_request";
                var roll = random.Next(10);
                var (period, due) = statutory || roll < 2 ? ("P1M", startsOn.AddMonths(1))
                    : roll < 9 ? ("P14D", startsOn.AddDays(14))
                    : (null, startsOn.AddDays(10 + random.Next(20)));
                WriteDeadline(table, organisation, cases[c].Id, statutory ? "data_subject_request" : "response", letter.Id, letter.Complaint?.Id,
                    letter.DefendantId, letter.DpaId, startsOn, period, WorkingDay(due));
            }

            foreach (var complaint in complaints[c].Where(x => x.FiledOn is not null))
            {
                // This complaint's share: floor((r + 1)·n/N) - floor(r·n/N) adds up to exactly n over N complaints.
                var share = (int)(((rank + 1) * progress / filed) - (rank * progress / filed));
                rank++;
                var startsOn = complaint.FiledOn!.Value;
                for (var k = 0; k < share; k++)
                {
                    var due = WorkingDay(startsOn.AddMonths(3));
                    WriteDeadline(table, organisation, cases[c].Id, "dpa_progress", null, complaint.Id, null, complaint.DpaId, startsOn, "P3M", due);
                    startsOn = due;
                }
            }
        }
    }

    private void WriteDeadline(NpgsqlBinaryImporter table, Guid organisation, Guid caseId, string kind, Guid? letterId, Guid? complaintId,
        Guid? defendantId, Guid? dpaId, DateOnly startsOn, string? period, DateOnly dueDate)
    {
        var dueAt = EndOf(dueDate);
        var dueSoonAt = dueAt.AddDays(-3);
        var roll = random.Next(100);
        var status = dueAt > now ? "open" : roll < 60 ? "met" : roll < 85 ? "missed" : roll < 90 ? "escalated" : "waived";
        var missedAt = status is "missed" or "escalated" ? dueAt.AddMinutes(random.Next(1, 60)) : (DateTimeOffset?)null;
        DateTimeOffset? metAt = status == "met" ? dueAt.AddHours(random.Next(-300, 100)) : null;
        var created = At(startsOn, 10);
        var updated = metAt ?? missedAt ?? (status == "waived" ? dueAt.AddDays(-random.Next(1, 10)) : created);
        var computation = period is null
            ? $"Due {dueDate:yyyy-MM-dd} as the letter states."
            : $"{period} from {startsOn:yyyy-MM-dd}: {dueDate:yyyy-MM-dd}, a {dueDate.DayOfWeek}.";
        table.StartRow();
        table.Write(NextId(), NpgsqlDbType.Uuid);
        table.Write(organisation, NpgsqlDbType.Uuid);
        table.Write(caseId, NpgsqlDbType.Uuid);
        table.Write(kind, NpgsqlDbType.Text);
        // The catalogue's rule for each kind written here (migration 0020 fills existing rows the same way).
        table.Write(kind switch { "data_subject_request" => "gdpr.art12_3", "dpa_progress" => "gdpr.art78_2", _ => "bgb.letter_response" }, NpgsqlDbType.Text);
        WriteOrNull(table, letterId, NpgsqlDbType.Uuid);
        WriteOrNull(table, complaintId, NpgsqlDbType.Uuid);
        WriteOrNull(table, defendantId, NpgsqlDbType.Uuid);
        WriteOrNull(table, dpaId, NpgsqlDbType.Uuid);
        table.Write(startsOn, NpgsqlDbType.Date);
        WriteOrNull(table, period, NpgsqlDbType.Text);
        table.Write(dueDate, NpgsqlDbType.Date);
        table.Write(dueAt, NpgsqlDbType.TimestampTz);
        table.Write(computation, NpgsqlDbType.Text);
        table.Write(status, NpgsqlDbType.Text);
        WriteOrNull(table, metAt, NpgsqlDbType.TimestampTz);
        WriteOrNull(table, status == "waived" ? "Settled in a meeting; no written answer needed." : null, NpgsqlDbType.Text);
        table.Write(status == "open" ? 1 : 2, NpgsqlDbType.Integer);
        table.Write(created, NpgsqlDbType.TimestampTz);
        table.Write(updated < created ? created : updated, NpgsqlDbType.TimestampTz);
        table.Write(dueSoonAt, NpgsqlDbType.TimestampTz);
        WriteOrNull(table, dueSoonAt <= now ? dueSoonAt : (DateTimeOffset?)null, NpgsqlDbType.TimestampTz);
        WriteOrNull(table, missedAt, NpgsqlDbType.TimestampTz);
        WriteOrNull(table, status == "escalated" ? Min(missedAt!.Value.AddDays(7), now) : (DateTimeOffset?)null, NpgsqlDbType.TimestampTz);
    }

    /// <summary>The watch list and the cases' counters as their triggers would have kept them, statistics, and a check of what was written.</summary>
    private static async Task<IReadOnlyDictionary<string, long>> FinishAsync(BenchmarkDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsSuperUserAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO jobs.deadline_watch (deadline_id, organisation_id, next_check_at)
            SELECT id, organisation_id,
                   CASE WHEN due_soon_notified_at IS NULL AND due_soon_at IS NOT NULL THEN least(due_soon_at, due_at) ELSE due_at END
            FROM deadlines WHERE status = 'open'
            """, ct);
        await ExecuteAsync(connection, "SELECT recount_case_counters()", ct);
        // As a database that has been running: statistics current, visibility map set (index-only scans), hint bits written.
        await ExecuteAsync(connection, "VACUUM (FREEZE, ANALYZE)", ct);
        await ExecuteAsync(connection, "CHECKPOINT", ct);

        var counts = new Dictionary<string, long>();
        await using var command = new NpgsqlCommand("""
            SELECT 'defendants', count(*) FROM defendants
            UNION ALL SELECT 'cases', count(*) FROM cases
            UNION ALL SELECT 'complaints', count(*) FROM complaints
            UNION ALL SELECT 'letters', count(*) FROM letters
            UNION ALL SELECT 'draft letters', count(*) FROM letters WHERE status = 'draft'
            UNION ALL SELECT 'deadlines', count(*) FROM deadlines
            UNION ALL SELECT 'open deadlines', count(*) FROM deadlines WHERE status = 'open'
            UNION ALL SELECT 'missed deadlines', count(*) FROM deadlines WHERE status = 'missed'
            UNION ALL SELECT 'cases whose counters disagree with a recount', count(*) FROM cases c
                WHERE (c.complaint_count, c.letter_count, c.open_deadline_count, c.next_deadline_id, c.next_deadline_due_at) IS DISTINCT FROM (
                    (SELECT count(*) FROM complaints k WHERE k.organisation_id = c.organisation_id AND k.case_id = c.id)::int,
                    (SELECT count(*) FROM letters l WHERE l.organisation_id = c.organisation_id AND l.case_id = c.id)::int,
                    (SELECT count(*) FROM deadlines d WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open')::int,
                    (SELECT d.id FROM deadlines d WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'
                     ORDER BY d.due_at, d.id LIMIT 1),
                    (SELECT min(d.due_at) FROM deadlines d WHERE d.organisation_id = c.organisation_id AND d.case_id = c.id AND d.status = 'open'))
            UNION ALL SELECT 'rows naming a missing parent', (
                  (SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT FROM organisations o WHERE o.id = c.organisation_id))
                + (SELECT count(*) FROM case_defendants x
                     WHERE NOT EXISTS (SELECT FROM defendants d WHERE d.organisation_id = x.organisation_id AND d.id = x.defendant_id))
                + (SELECT count(*) FROM complaints k WHERE NOT EXISTS (SELECT FROM cases c WHERE c.organisation_id = k.organisation_id AND c.id = k.case_id))
                + (SELECT count(*) FROM letters l WHERE NOT EXISTS (SELECT FROM cases c WHERE c.organisation_id = l.organisation_id AND c.id = l.case_id))
                + (SELECT count(*) FROM letters l WHERE l.complaint_id IS NOT NULL
                     AND NOT EXISTS (SELECT FROM complaints k WHERE k.organisation_id = l.organisation_id AND k.id = l.complaint_id AND k.case_id = l.case_id))
                + (SELECT count(*) FROM deadlines d WHERE d.letter_id IS NOT NULL
                     AND NOT EXISTS (SELECT FROM letters l WHERE l.organisation_id = d.organisation_id AND l.id = d.letter_id AND l.case_id = d.case_id))
                + (SELECT count(*) FROM deadlines d WHERE d.complaint_id IS NOT NULL
                     AND NOT EXISTS (SELECT FROM complaints k WHERE k.organisation_id = d.organisation_id AND k.id = d.complaint_id AND k.case_id = d.case_id)))
            """, connection)
        {
            CommandTimeout = 0,
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    private Guid NextId()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes, nextId++ << 16 | (bytes[6] & 0x0fL) << 8 | bytes[7]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0f));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3f));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A count for each of <paramref name="buckets"/> adding up to <paramref name="total"/>, each item in a bucket drawn at random.</summary>
    private int[] Spread(int total, int buckets)
    {
        var counts = new int[buckets];
        for (var i = 0; i < total; i++)
        {
            counts[random.Next(buckets)]++;
        }

        return counts;
    }

    private Guid PickAuthority()
    {
        var german = random.Next(10) < 7;
        var candidates = german ? authorities.Where(a => a.Country == "DE").ToArray() : authorities.ToArray();
        return candidates[random.Next(candidates.Length)].Id;
    }

    private string[] Pick(string[] from, int count) => from.OrderBy(_ => random.Next()).Take(count).ToArray();

    private string Weighted((string Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        throw new UnreachableException();
    }

    private DateOnly Day(DateOnly from, DateOnly to) => to <= from ? from : from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : from.AddSeconds(random.NextInt64((long)(to - from).TotalSeconds + 1));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset At(DateOnly day, int hour) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, 0)), Berlin));

    /// <summary>The end of a day in Berlin, when a deadline on it expires.</summary>
    private static DateTimeOffset EndOf(DateOnly day) => At(day.AddDays(1), 0);

    private static DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Berlin).DateTime);

    /// <summary>A last day on a weekend moves to the Monday (the holidays the API also skips are left out here).</summary>
    private static DateOnly WorkingDay(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(2),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    private static void WriteOrNull<T>(NpgsqlBinaryImporter table, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null)
        {
            table.WriteNull();
        }
        else
        {
            table.Write(value, type);
        }
    }

    private static void WriteOrNull<T>(NpgsqlBinaryImporter table, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
        {
            table.Write(v, type);
        }
        else
        {
            table.WriteNull();
        }
    }

    /// <summary>One binary COPY per table, each on a connection of its own, open for the whole data set.</summary>
    private sealed class Tables : IAsyncDisposable
    {
        private readonly List<(NpgsqlConnection Connection, NpgsqlBinaryImporter Importer)> open = [];

        public NpgsqlBinaryImporter Defendants { get; private set; } = null!;

        public NpgsqlBinaryImporter Cases { get; private set; } = null!;

        public NpgsqlBinaryImporter CaseDefendants { get; private set; } = null!;

        public NpgsqlBinaryImporter Complaints { get; private set; } = null!;

        public NpgsqlBinaryImporter Letters { get; private set; } = null!;

        public NpgsqlBinaryImporter Deadlines { get; private set; } = null!;

        public static async Task<Tables> OpenAsync(BenchmarkDatabase database, CancellationToken ct)
        {
            var tables = new Tables();
            try
            {
                tables.Defendants = await tables.CopyAsync(
                    database, "defendants (id, organisation_id, legal_name, country, address, created_at, updated_at)", ct);
                tables.Cases = await tables.CopyAsync(database, """
                    cases (id, organisation_id, reference, title, summary, status, outcome, legal_bases, tags, responsible_lawyer, opened_on, closed_on,
                           version, created_at, updated_at)
                    """, ct);
                tables.CaseDefendants = await tables.CopyAsync(database, "case_defendants (organisation_id, case_id, defendant_id)", ct);
                tables.Complaints = await tables.CopyAsync(database, """
                    complaints (id, organisation_id, case_id, defendant_id, dpa_id, on_behalf_of, dpa_reference, filed_on, provisions, status,
                                transferred_to_dpa_id, decision_outcome, decided_on, decided_by_dpa_id, appealed_by, appeal_court, fine_amount, fine_currency,
                                version, created_at, updated_at)
                    """, ct);
                tables.Letters = await tables.CopyAsync(database, """
                    letters (id, organisation_id, case_id, complaint_id, direction, type, defendant_id, dpa_id, channel, subject, body, status,
                             sent_at, received_at, version, created_at, updated_at)
                    """, ct);
                tables.Deadlines = await tables.CopyAsync(database, """
                    deadlines (id, organisation_id, case_id, kind, rule, letter_id, complaint_id, defendant_id, dpa_id, starts_on, period, due_date, due_at,
                               computation, status, met_at, waived_reason, version, created_at, updated_at, due_soon_at, due_soon_notified_at,
                               missed_at, escalated_at)
                    """, ct);
                return tables;
            }
            catch
            {
                await tables.DisposeAsync();
                throw;
            }
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            foreach (var (_, importer) in open)
            {
                await importer.CompleteAsync(ct);
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (connection, importer) in open)
            {
                await importer.DisposeAsync();
                await connection.DisposeAsync();
            }
        }

        private async Task<NpgsqlBinaryImporter> CopyAsync(BenchmarkDatabase database, string table, CancellationToken ct)
        {
            var connection = await database.OpenAsSuperUserAsync(ct);
            await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
            {
                await replica.ExecuteNonQueryAsync(ct);
            }

            var importer = await connection.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", ct);
            open.Add((connection, importer));
            return importer;
        }
    }
}
