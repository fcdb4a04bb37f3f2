using System.Net.Http.Headers;
using CaseApi.Infrastructure.Auth;
using Dapper;
using Npgsql;

namespace CaseApi.Tests.Fuzzing;

/// <summary>Who a request acts for: the organisation whose data it may see and change, or nobody.</summary>
public enum Actor
{
    Nobody,
    A,
    B,
}

/// <summary>An Authorization header or a query token the fuzzer sends, and whom it really authenticates as.</summary>
public sealed record Credential(string Name, string? Header, Actor Actor, string? Token = null, bool ReadOnly = false);

/// <summary>
/// Two organisations with one of every resource each: A (the demo data plus a marked set) and B (a marked set). Every text
/// of B carries <see cref="MarkerB"/>, every text A's set adds carries <see cref="MarkerA"/>, so that a leak shows in any
/// response body even where no id does.
/// </summary>
public sealed class FuzzWorld : IAsyncDisposable
{
    public const string MarkerA = "MarkerOfOrgA7q";
    public const string MarkerB = "MarkerOfOrgB7q";

    private readonly CaseApiFactory api;
    private readonly HashSet<Guid> ownKeyIds;
    private Dictionary<string, Guid[]> idsA = [];
    private Dictionary<string, Guid[]> idsB = [];
    private Dictionary<Actor, IReadOnlySet<string>> foreign = [];
    private readonly Dictionary<(bool OfB, string? Hint), IReadOnlyList<Guid>> picked = [];
    private Func<Task<TenantFingerprint>> fingerprint = () => throw new InvalidOperationException("Not prepared yet.");

    private readonly NpgsqlConnection superUser;

    private FuzzWorld(CaseApiFactory api, NpgsqlConnection superUser, TestOrganisation a, TestOrganisation b, IReadOnlyList<Credential> credentials, HashSet<Guid> ownKeyIds)
    {
        this.api = api;
        this.superUser = superUser;
        A = a;
        B = b;
        Credentials = credentials;
        this.ownKeyIds = ownKeyIds;
    }

    public TestOrganisation A { get; }

    public TestOrganisation B { get; }

    public IReadOnlyList<Credential> Credentials { get; }

    public IReadOnlyList<Guid> GlobalIds { get; private set; } = [];

    /// <summary>Real cursors of each list (by path), of both organisations: the other one's is a forged cursor too.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Cursors { get; set; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The cursors of one list, or of all lists when it handed out none.</summary>
    public IReadOnlyList<string> CursorsOf(string list) =>
        Cursors.TryGetValue(list, out var own) && own.Count > 0 ? own : Cursors.Values.SelectMany(c => c).ToArray();

    public static async Task<FuzzWorld> CreateAsync(CaseApiFactory api)
    {
        var a = await api.SeedDemoAsync();
        var b = await api.CreateOrganisationAsync($"Organisation B {MarkerB}");
        var feedOfA = await SeedMarkedAsync(api.ClientFor(a.AdminKey), MarkerA);
        var feedOfB = await SeedMarkedAsync(api.ClientFor(b.AdminKey), MarkerB);
        string revokedFeed;
        using (var admin = api.ClientFor(a.AdminKey))
        {
            var feed = await admin.CreatedAsync("/v1/calendar-feeds", new { name = "Revoked feed" });
            revokedFeed = feed.GetProperty("token").GetString()!;
            (await admin.DeleteAsync($"/v1/calendar-feeds/{feed.GetProperty("feed").Id()}")).EnsureSuccessStatusCode();
        }

        var viewer = await api.CreateKeyAsync(a, ApiKeyRole.Viewer);
        var revoked = await api.CreateKeyAsync(a, ApiKeyRole.Admin);
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await superUser.ExecuteAsync("UPDATE api_keys SET revoked_at = now() WHERE prefix = @prefix", new { prefix = PrefixOf(revoked) });
        }

        var expired = await api.CreateKeyAsync(a, ApiKeyRole.Lawyer, api.Clock.GetUtcNow().AddMinutes(1));
        api.Clock.Advance(TimeSpan.FromMinutes(2));

        Credential[] credentials =
        [
            new("admin of A", $"Bearer {a.AdminKey}", Actor.A),
            new("viewer of A", $"Bearer {viewer}", Actor.A, ReadOnly: true),
            new("admin of A, lower-case scheme", $"bearer {a.AdminKey}", Actor.A),
            new("admin of B", $"Bearer {b.AdminKey}", Actor.B),
            new("revoked key of A", $"Bearer {revoked}", Actor.Nobody),
            new("expired key of A", $"Bearer {expired}", Actor.Nobody),
            new("no key", null, Actor.Nobody),
            new("A's key with a wrong secret", $"Bearer {a.AdminKey[..^4]}AAAA", Actor.Nobody),
            new("A's prefix alone", $"Bearer cak_{PrefixOf(a.AdminKey)}", Actor.Nobody),
            new("A's key as Basic", $"Basic {a.AdminKey}", Actor.Nobody),
            new("garbage", "Bearer ' OR 1=1 --", Actor.Nobody),
            new("empty bearer", "Bearer ", Actor.Nobody),
            new("huge key", $"Bearer cak_{new string('a', 12)}_{new string('b', 20_000)}", Actor.Nobody),
            new("control characters", "Bearer cak_\u0001\u0002_\u007f", Actor.Nobody),
            new("feed token of A", null, Actor.A, feedOfA, ReadOnly: true),
            new("feed token of B", null, Actor.B, feedOfB, ReadOnly: true),
            new("revoked feed token of A", null, Actor.Nobody, revokedFeed),
            new("A's API key as a feed token", null, Actor.Nobody, a.AdminKey),
            new("A's feed token with a wrong secret", null, Actor.Nobody, feedOfA[..^4] + "AAAA"),
            new("garbage feed token", null, Actor.Nobody, "caf_' OR 1=1 --"),
            new("A's feed token as a bearer key", $"Bearer {feedOfA}", Actor.Nobody),
        ];

        var connection = await api.OpenAsSuperUserAsync();
        var keyIds = await connection.QueryAsync<Guid>("SELECT id FROM api_keys WHERE prefix = ANY(@prefixes)",
            new { prefixes = new[] { a.AdminKey, b.AdminKey, viewer }.Select(PrefixOf).ToArray() });
        var world = new FuzzWorld(api, connection, a, b, credentials, [.. keyIds]);
        world.fingerprint = await TenantFingerprint.PrepareAsync(connection, a.Id, b.Id);
        await world.RefreshIdsAsync();
        return world;
    }

    /// <summary>
    /// Reloads every id of both organisations by table. The fuzzer's own keys are left out: revoking them would turn
    /// the rest of the run into 401s.
    /// </summary>
    public async Task RefreshIdsAsync()
    {
        picked.Clear();
        idsA = await IdsByTableAsync(A.Id);
        idsB = await IdsByTableAsync(B.Id);
        GlobalIds = (await superUser.QueryAsync<Guid>("SELECT id FROM dpas ORDER BY id")).AsList();
        foreign = new()
        {
            [Actor.A] = Secrets(idsB, MarkerB),
            [Actor.B] = Secrets(idsA, MarkerA),
            [Actor.Nobody] = new HashSet<string>([.. Secrets(idsA, MarkerA), .. Secrets(idsB, MarkerB)]),
        };
    }

    public IReadOnlyList<Guid> IdsOf(Actor owner, string? hint)
    {
        var key = (owner == Actor.B, hint);
        if (!picked.TryGetValue(key, out var ids))
        {
            picked[key] = ids = Pick(owner == Actor.B ? idsB : idsA, hint);
        }

        return ids;
    }

    /// <summary>Every id and marker the actor must never see: those of the organisations it does not act for.</summary>
    public IReadOnlySet<string> ForeignTo(Actor actor) => foreign[actor];

    public HttpClient Client() => api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public Task<TenantFingerprint> FingerprintAsync() => fingerprint();

    public ValueTask DisposeAsync() => superUser.DisposeAsync();

    private IReadOnlyList<Guid> Pick(Dictionary<string, Guid[]> ids, string? hint)
    {
        if (hint is not null)
        {
            var word = hint.Replace('-', '_').ToLowerInvariant();
            string[] plurals = [word, word + "s", word + "es", word.EndsWith('y') ? word[..^1] + "ies" : word];
            if (plurals.Any(p => p == "dpas"))
            {
                return GlobalIds;
            }

            var matching = ids.Where(t => plurals.Any(p => t.Key == p || t.Key.EndsWith("_" + p, StringComparison.Ordinal))).SelectMany(t => t.Value).ToArray();
            if (matching.Length > 0)
            {
                return matching;
            }
        }

        return ids.Values.SelectMany(v => v).ToArray();
    }

    private static HashSet<string> Secrets(Dictionary<string, Guid[]> ids, string marker) =>
        [marker, .. ids.Values.SelectMany(v => v).Select(id => id.ToString())];

    private async Task<Dictionary<string, Guid[]>> IdsByTableAsync(Guid organisationId)
    {
        var tables = await superUser.QueryAsync<string>("""
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name = 'id' AND table_name = ANY (@tables)
            """, new { tables = (await TenantTables.AllAsync(superUser)).ToArray() });
        var ids = new Dictionary<string, Guid[]>();
        foreach (var table in tables)
        {
            ids[table] = (await superUser.QueryAsync<Guid>($"SELECT id FROM {table} WHERE organisation_id = @organisationId ORDER BY id", new { organisationId }))
                .Where(id => !ownKeyIds.Contains(id)).ToArray();
        }

        ids["organisations"] = [organisationId];
        return ids;
    }

    private static string PrefixOf(string key) => key.Split('_')[1];

    /// <summary>One of every resource, each naming the marker, through the API as a client would create them; returns the calendar feed's token.</summary>
    private static async Task<string> SeedMarkedAsync(HttpClient client, string marker)
    {
        using var _ = client;
        var defendant = await client.CreatedAsync("/v1/defendants", new { legalName = $"Defendant {marker}", country = "IE", mainEstablishmentCountry = "IE" });
        var @case = await client.CreatedAsync("/v1/cases", new { reference = marker, title = $"Case {marker}", defendantIds = new[] { defendant.Id() } });
        await client.CreatedAsync($"/v1/cases/{@case.Id()}/complaints", new
        {
            defendantId = defendant.Id(), dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), onBehalfOf = "complainants", mandateDocument = $"Mandate {marker}.pdf", filedOn = "2024-06-06",
            complainants = new[] { new { name = $"Complainant {marker}", email = $"{marker}@example.org" } },
        });
        var letter = await client.CreatedAsync($"/v1/cases/{@case.Id()}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = defendant.Id(), channel = "email", subject = $"Letter {marker}", body = marker,
        });
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"Attachment {marker}\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        (await client.PostAsync($"/v1/letters/{letter.Id()}/attachments", new MultipartFormDataContent { { file, "file", $"{marker}.txt" } })).EnsureSuccessStatusCode();
        (await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{letter.Id()}/send", new { responsePeriod = "P14D" }, letter.GetProperty("version").GetInt32()))
            .EnsureSuccessStatusCode();
        await client.CreatedAsync("/v1/letter-templates", new { name = $"Template {marker}", letterType = "reminder", language = "en", subject = marker, body = marker });
        await client.CreatedAsync("/v1/webhooks", new { url = $"https://example.org/{marker}" });
        var feed = await client.CreatedAsync("/v1/calendar-feeds", new { name = $"Feed {marker}" });
        await client.CreatedAsync("/v1/api-keys", new { name = $"Key {marker}", role = "integration" });
        // A change after the webhook exists, so that it has a delivery to list and redeliver.
        await client.CreatedAsync("/v1/defendants", new { legalName = $"Second defendant {marker}" });
        return feed.GetProperty("token").GetString()!;
    }
}
