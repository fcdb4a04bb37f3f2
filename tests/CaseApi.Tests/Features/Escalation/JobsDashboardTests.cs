using CaseApi.Features.Deadlines;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Jobs;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Escalation;

/// <summary>
/// Issue 11: Hangfire's dashboard shows and changes every organisation's jobs, so only the operator's credential opens it.
/// It runs alone: Hangfire keeps process-wide state (its logger and storage set-up), which in-memory hosts starting and
/// stopping beside it can leave pointing at the wrong host.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class JobsDashboardTests(JobsDashboardTests.WithOperator api, CaseApiFactory withoutOperator)
    : IClassFixture<JobsDashboardTests.WithOperator>, IClassFixture<CaseApiFactory>
{
    public const string OperatorToken = "test-operator-token-0123456789abcdefghijklmnop";

    public sealed class WithOperator : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { [OperatorCredential.TokenKey] = OperatorToken };
    }

    private static readonly string[] Pages = ["/hangfire", "/hangfire/recurring", "/hangfire/servers", "/hangfire/jobs/succeeded"];

    private static readonly (string Path, string Job)[] Actions =
    [
        ("/hangfire/recurring/remove", DispatchWebhooksJob.RecurringJobId),
        ("/hangfire/recurring/remove", SweepDeadlinesJob.RecurringJobId),
        ("/hangfire/recurring/trigger", SweepDeadlinesJob.RecurringJobId),
        ("/hangfire/jobs/enqueued/delete", "1"),
    ];

    private static FormUrlEncodedContent JobsForm(string job) => new([new KeyValuePair<string, string>("jobs[]", job)]);

    [Fact]
    public async Task No_tenant_key_of_any_role_opens_the_dashboard_or_changes_its_jobs()
    {
        await using var registration = await RegisteredAsync();
        var organisation = await api.CreateOrganisationAsync();
        var keys = new List<(string Who, string? Key, HttpStatusCode Expected)> { ("anonymous", null, HttpStatusCode.Unauthorized) };
        foreach (var role in Enum.GetValues<ApiKeyRole>())
        {
            keys.Add((role.ToString(), role == ApiKeyRole.Admin ? organisation.AdminKey : await api.CreateKeyAsync(organisation, role), HttpStatusCode.Forbidden));
        }

        foreach (var (who, key, expected) in keys)
        {
            using var client = api.ClientFor(key);
            foreach (var page in Pages)
            {
                Assert.True(expected == (await client.GetAsync(page)).StatusCode, $"{who}: GET {page}");
            }

            foreach (var (path, job) in Actions)
            {
                Assert.True(expected == (await client.PostAsync(path, JobsForm(job))).StatusCode, $"{who}: POST {path} {job}");
            }
        }

        Assert.Equal(RecurringJobsRegistration.JobIds.Order(), RecurringJobIds().Order());
    }

    [Fact]
    public async Task The_operator_token_opens_the_dashboard_and_a_recurring_job_it_removes_comes_back_at_the_next_registration()
    {
        await using var registration = await RegisteredAsync();
        using var operatorClient = api.ClientFor(OperatorToken);

        foreach (var page in Pages)
        {
            Assert.True(HttpStatusCode.OK == (await operatorClient.GetAsync(page)).StatusCode, $"GET {page}");
        }

        var removed = await operatorClient.PostAsync("/hangfire/recurring/remove", JobsForm(DispatchWebhooksJob.RecurringJobId));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(RecurringJobsRegistration.JobIds.Except([DispatchWebhooksJob.RecurringJobId]).Order(), RecurringJobIds().Order());

        api.Clock.Advance(TimeSpan.FromMinutes(5));
        await Poll.UntilAsync(() => RecurringJobIds().Contains(DispatchWebhooksJob.RecurringJobId), "the webhook dispatcher registered again");
    }

    [Fact]
    public async Task Without_an_operator_credential_the_dashboard_is_not_served()
    {
        var organisation = await withoutOperator.CreateOrganisationAsync();
        using var admin = withoutOperator.ClientFor(organisation.AdminKey);
        using var anonymous = withoutOperator.ClientFor(null);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/hangfire/recurring")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/hangfire/recurring/remove", JobsForm(DispatchWebhooksJob.RecurringJobId))).StatusCode);
        // Without a key, as on any path that does not exist.
        Assert.Equal((await anonymous.GetAsync("/no-such-page")).StatusCode, (await anonymous.GetAsync("/hangfire/recurring")).StatusCode);
    }

    /// <summary>The registration a job server runs (the in-memory API runs none), on the test's clock; registered once started.</summary>
    private async Task<Running> RegisteredAsync()
    {
        var registration = ActivatorUtilities.CreateInstance<RecurringJobsRegistration>(api.Services);
        await registration.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => RecurringJobIds().Count == RecurringJobsRegistration.JobIds.Count, "the recurring jobs registered");
        return new Running(registration);
    }

    private List<string> RecurringJobIds()
    {
        using var connection = api.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Select(j => j.Id).ToList();
    }

    private sealed class Running(RecurringJobsRegistration registration) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await registration.StopAsync(CancellationToken.None);
            registration.Dispose();
        }
    }
}
