using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The embedded cluster's passwords (issue 11): one per role, in files that nobody else can read at any moment, and
/// clusters made by the old code, with one password for all, moved to the new ones at their next start.
/// </summary>
[UnsupportedOSPlatform("windows")] // file modes and umask are Unix's
public sealed class EmbeddedPasswordTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"caseapi-passwords-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_cluster_of_the_old_code_gets_a_password_per_role_in_owner_only_files_and_the_shared_one_stops_working_for_the_roles()
    {
        // The old layout: the roles were made with the superuser's password, and only that one was saved.
        var port = EmbeddedPostgres.FreePort();
        string superUserPassword;
        await using (var old = await EmbeddedPostgres.StartAsync(dataDirectory, port, durable: false))
        {
            superUserPassword = old.SuperUserPassword;
            await DatabaseBootstrap.EnsureDatabaseAsync(old.ConnectionString("postgres", EmbeddedPostgres.SuperUser, superUserPassword),
                "caseapi", new RolePasswords(superUserPassword, superUserPassword));
        }

        Assert.Equal(["superuser-password"], Directory.GetFiles(dataDirectory).Select(Path.GetFileName));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EmbeddedPostgres:DataDirectory"] = dataDirectory,
            ["EmbeddedPostgres:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();

        var (connections, embedded) = await DatabaseSetup.ResolveAsync(configuration, Path.GetTempPath(), CancellationToken.None);
        await using (embedded)
        {
            var files = new[] { "superuser-password", $"{DatabaseBootstrap.OwnerRole}-password", $"{DatabaseBootstrap.ApplicationRole}-password" }
                .Select(name => Path.Combine(dataDirectory, name)).ToArray();
            Assert.All(files, file => Assert.Equal(OwnerOnly, File.GetUnixFileMode(file)));
            var passwords = files.Select(file => File.ReadAllText(file).Trim()).ToArray();
            Assert.Equal(superUserPassword, passwords[0]);
            Assert.Equal(3, passwords.Distinct().Count());
            Assert.All(passwords, password => Assert.Matches("^[0-9a-f]{48}$", password));
            Assert.Equal(passwords[1], new NpgsqlConnectionStringBuilder(connections.Migrations).Password);
            Assert.Equal(passwords[2], new NpgsqlConnectionStringBuilder(connections.Application).Password);

            // Both roles log in with their own passwords, and no longer with the superuser's.
            foreach (var connectionString in new[] { connections.Migrations, connections.Application })
            {
                await using (var connection = new NpgsqlConnection(connectionString))
                {
                    await connection.OpenAsync();
                }

                var withShared = new NpgsqlConnectionStringBuilder(connectionString) { Password = superUserPassword, Pooling = false }.ConnectionString;
                var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
                {
                    await using var connection = new NpgsqlConnection(withShared);
                    await connection.OpenAsync();
                });
                Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was created: the test failed before initdb.
        }
    }
}

/// <summary>Changes the process's umask for a moment, so it must not overlap other classes that create files.</summary>
[Collection(RunsAlone.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class SecretFileModeTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("caseapi-secret-mode-");

    [Fact]
    public async Task A_secret_file_is_created_owner_only_even_under_a_umask_that_would_open_it_to_everyone()
    {
        var plain = Path.Combine(directory.FullName, "plain");
        var secret = Path.Combine(directory.FullName, "secret");
        var previous = Umask(0);
        try
        {
            // What the old code did before its chmod: under this umask the file stands open to every local user.
            await File.WriteAllTextAsync(plain, "x");
            await EmbeddedPostgres.WriteSecretAsync(secret, "x", CancellationToken.None);
        }
        finally
        {
            Umask(previous);
        }

        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(plain));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
    }

    public void Dispose() => directory.Delete(recursive: true);

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);
}
