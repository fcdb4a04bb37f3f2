using System.Net.Http.Headers;
using CaseApi.Features.Demo;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Tests.Support.Contract;
using MediatR;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CaseApi.Tests.Support;

/// <summary>The API in memory, on a database of its own, with a clock the test moves.</summary>
public class CaseApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2025, 4, 30, 9, 0, 0, TimeSpan.Zero);

    private DatabaseConnections? database;

    public FakeTimeProvider Clock { get; } = new(Start);

    public DatabaseConnections Database => database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Settings a test class overrides (e.g. a low rate limit).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(GetType().Name);
        StartServer(); // Now, so that start-up failures surface here and not in the first request; the test server or Kestrel alike.
        await ArrangeAsync();
    }

    /// <summary>Data a test class shares, arranged once after the host has started.</summary>
    protected virtual Task ArrangeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (database is not null)
        {
            await TestDatabase.DropAsync(database);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:CaseDb", Database.Application);
        builder.UseSetting("ConnectionStrings:CaseDbMigrations", Database.Migrations);
        builder.UseSetting("Demo:Enabled", "false");
        // No Hangfire server in the in-memory API: tests run the sweep themselves, on the fake clock.
        builder.UseSetting("Mode", "api");
        // Tests that walk every route send thousands of requests with one key; RateLimitTests sets a low limit of its own.
        builder.UseSetting("RateLimiting:PermitsPerMinute", "1000000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Sends one request through MediatR as a job or CLI verb would, acting for an organisation.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request, Guid? organisationId = null)
    {
        await using var scope = Services.CreateAsyncScope();
        if (organisationId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(id);
        }

        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    public async Task<TestOrganisation> CreateOrganisationAsync(string name = "Test organisation")
    {
        var created = await SendAsync(new CreateOrganisation.Command(name));
        return new TestOrganisation(created.Organisation.Id, created.AdminKeySecret);
    }

    /// <summary>The demo organisation with its demo data: one of every kind of resource, which the route-walking tests rely on.</summary>
    public async Task<TestOrganisation> SeedDemoAsync() =>
        new(SeedDemo.OrganisationId, await DemoData.SeedAsync(Services, CancellationToken.None));

    public async Task<string> CreateKeyAsync(TestOrganisation organisation, ApiKeyRole role, DateTimeOffset? expiresAt = null)
    {
        using var admin = ClientFor(organisation.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/api-keys", new { name = $"{role} key", role = role.ToString().ToLowerInvariant(), expiresAt });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("secret").GetString()!;
    }

    /// <summary>A client whose every response is checked against openapi.yaml.</summary>
    public HttpClient ClientFor(string? apiKey)
    {
        // No redirect handler: redirects are answers the tests look at. On Kestrel, ClientOptions carries the port the server got.
        var client = CreateDefaultClient(ClientOptions.BaseAddress, new ContractCheckingHandler(OpenApiContract.Instance));
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public async Task<NpgsqlConnection> OpenAsSuperUserAsync() => await TestDatabase.OpenAsSuperUserAsync(Database);
}

public sealed record TestOrganisation(Guid Id, string AdminKey);
