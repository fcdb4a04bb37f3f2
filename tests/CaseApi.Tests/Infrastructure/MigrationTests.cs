using CaseApi.Infrastructure.Data;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

public sealed class MigrationTests
{
    [Fact]
    public async Task Instances_starting_at_once_apply_each_migration_exactly_once()
    {
        var database = await TestDatabase.CreateEmptyAsync(nameof(MigrationTests));
        try
        {
            var migrator = new Migrator(NullLogger<Migrator>.Instance);

            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => migrator.MigrateAsync(database))));

            await using var connection = await TestDatabase.OpenAsSuperUserAsync(database);
            var applied = (await connection.QueryAsync<string>("SELECT scriptname FROM schema_migrations ORDER BY scriptname")).ToArray();
            Assert.Equal(Migrator.ScriptNames, applied);
            Assert.Empty(await Migrator.PendingAsync(connection, CancellationToken.None));
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Theory]
    [InlineData("check")] // a reserved word
    [InlineData("CaseApi \"App\"")] // capitals, a space and double quotes
    public async Task The_migrations_grant_to_an_application_role_whose_name_needs_quoting(string role)
    {
        var database = await TestDatabase.CreateEmptyAsync("quoted_role");
        await using var superUser = await TestDatabase.OpenAsSuperUserAsync(database);
        try
        {
            // Roles belong to the whole server, which other test runs may share: made once, and left for the next run.
            await superUser.ExecuteAsync($"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(role)}) THEN
                    CREATE ROLE {Migrator.QuoteIdentifier(role)} NOLOGIN;
                  END IF;
                END $$
                """);
            var connections = database with
            {
                Application = new NpgsqlConnectionStringBuilder(database.Application) { Username = role }.ConnectionString,
            };

            await new Migrator(NullLogger<Migrator>.Instance).MigrateAsync(connections);

            var grants = await superUser.QuerySingleAsync<(bool Cases, bool Write, bool Hangfire, bool Watch, bool FanOut, bool WriteDpas, bool RewriteTimeline)>("""
                SELECT has_table_privilege(@role, 'public.cases', 'SELECT, INSERT, UPDATE, DELETE'),
                       has_table_privilege(@role, 'public.webhooks', 'INSERT'),
                       has_schema_privilege(@role, 'hangfire', 'USAGE, CREATE'),
                       has_table_privilege(@role, 'jobs.deadline_watch', 'SELECT, INSERT, UPDATE, DELETE'),
                       has_function_privilege(@role, 'jobs.fan_out_events()', 'EXECUTE'),
                       has_table_privilege(@role, 'public.dpas', 'INSERT'),
                       has_table_privilege(@role, 'public.timeline_entries', 'UPDATE')
                """, new { role });
            Assert.Equal((true, true, true, true, true, false, false), grants);
            Assert.Empty(await Migrator.PendingAsync(superUser, CancellationToken.None));
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Fact]
    public void Migrations_are_numbered_without_gaps_or_duplicates()
    {
        var numbers = Migrator.ScriptNames.Select(name => int.Parse(Path.GetFileName(name)[..4], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var onDisk = Directory.GetFiles(RepositoryRoot.File("db", "migrations"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
        Assert.Equal(onDisk, Migrator.ScriptNames.Select(Path.GetFileName));
    }

    [Fact]
    public async Task Timestamps_and_dates_round_trip_exactly_in_UTC()
    {
        var database = await TestDatabase.CreateAsync(nameof(Timestamps_and_dates_round_trip_exactly_in_UTC));
        try
        {
            DateTimeOffsetHandler.Register();
            await using var connection = new NpgsqlConnection(database.Application);
            var instant = new DateTimeOffset(2025, 4, 30, 23, 30, 0, TimeSpan.FromHours(2)).AddTicks(10);
            var date = new DateOnly(2025, 5, 30);

            var back = await connection.QuerySingleAsync<(DateTimeOffset Instant, DateOnly Date, string Text)>(
                "SELECT @instant::timestamptz, @date::date, (@instant::timestamptz AT TIME ZONE 'UTC')::text", new { instant, date });

            Assert.Equal(instant, back.Instant);
            Assert.Equal(TimeSpan.Zero, back.Instant.Offset);
            Assert.Equal(date, back.Date);
            Assert.Equal("2025-04-30 21:30:00.000001", back.Text);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Fact]
    public async Task Ids_made_in_SQL_carry_their_time_first_and_version_7_like_the_applications()
    {
        var database = await TestDatabase.CreateAsync(nameof(Ids_made_in_SQL_carry_their_time_first_and_version_7_like_the_applications));
        try
        {
            DateTimeOffsetHandler.Register();
            await using var connection = new NpgsqlConnection(database.Application);
            var instant = new DateTimeOffset(2025, 4, 30, 23, 30, 0, 123, TimeSpan.FromHours(2));

            var ids = (await connection.QueryAsync<string>("SELECT uuid_v7(@instant)::text FROM generate_series(1, 2)", new { instant })).ToArray();

            // .NET's own version 7 id for the same millisecond: the same first 48 bits (the time), the version nibble, a variant of RFC 9562.
            var dotnet = Guid.CreateVersion7(instant).ToString();
            Assert.All(ids, id =>
            {
                Assert.Equal(dotnet[..13], id[..13]);
                Assert.Equal('7', id[14]);
                Assert.Contains(id[19], "89ab");
            });
            Assert.NotEqual(ids[0], ids[1]);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
