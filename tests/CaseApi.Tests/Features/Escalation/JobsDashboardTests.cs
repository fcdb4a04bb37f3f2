using CaseApi.Infrastructure.Auth;

namespace CaseApi.Tests.Features.Escalation;

/// <summary>
/// Hangfire's dashboard in the in-memory host. It runs alone: Hangfire keeps process-wide state (its logger and
/// storage set-up), which in-memory hosts starting and stopping beside it can leave pointing at the wrong host.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class JobsDashboardTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static FormUrlEncodedContent DeleteJobForm() => new([new KeyValuePair<string, string>("jobs[]", "1")]);

    [Fact]
    public async Task The_jobs_dashboard_needs_a_key_and_is_read_only_but_for_admins()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var anonymous = api.ClientFor(null);
        using var viewer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Viewer));
        using var admin = api.ClientFor(organisation.AdminKey);

        var denied = await anonymous.GetAsync("/hangfire");
        var asViewer = await viewer.GetAsync("/hangfire/jobs/succeeded");
        var asAdmin = await admin.GetAsync("/hangfire/jobs/succeeded");
        var deleteAsViewer = await viewer.PostAsync("/hangfire/jobs/enqueued/delete", DeleteJobForm());
        var deleteAsAdmin = await admin.PostAsync("/hangfire/jobs/enqueued/delete", DeleteJobForm());

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asViewer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, deleteAsViewer.StatusCode);
        Assert.True(deleteAsAdmin.IsSuccessStatusCode, $"admin: {(int)deleteAsAdmin.StatusCode}");
    }
}
