using System.Net.Http.Headers;
using CaseApi.Infrastructure.Auth;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Every error is problem+json whatever <c>Accept</c> says (issue 14): Swagger UI sends an operation's first media type
/// (<c>text/html</c>, <c>application/pdf</c>), calendar clients <c>text/calendar</c>. The framework's writer declined
/// those, and errors went out empty, as <c>text/plain</c>, or as an empty 500 in place of a 404.
/// </summary>
public sealed class ProblemAcceptTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly string?[] Accepts = ["text/html", "application/pdf", "text/calendar", "application/xml", "*/*", null];

    private enum Caller
    {
        Admin,
        Viewer,
        Nobody,
    }

    private sealed record World(Guid CaseId, string CaseReference);

    private sealed record Failure(HttpStatusCode Status, string Code, Caller Caller, Func<World, HttpRequestMessage> Request);

    private static readonly Dictionary<string, Failure> Failures = new()
    {
        ["400 invalid field"] = new(HttpStatusCode.BadRequest, "validation_failed", Caller.Admin,
            _ => Json(HttpMethod.Post, "/v1/api-keys", new { name = "", role = "admin" })),
        ["400 malformed body"] = new(HttpStatusCode.BadRequest, "malformed_body", Caller.Admin,
            _ => Json(HttpMethod.Post, "/v1/api-keys", new { name = 42, role = "admin" })),
        ["400 path id not a UUID"] = new(HttpStatusCode.BadRequest, "validation_failed", Caller.Admin,
            _ => new(HttpMethod.Get, "/v1/cases/not-a-uuid")),
        ["401 no key"] = new(HttpStatusCode.Unauthorized, "unauthenticated", Caller.Nobody,
            _ => new(HttpMethod.Get, "/v1/organisation")),
        ["401 attachment without a key"] = new(HttpStatusCode.Unauthorized, "unauthenticated", Caller.Nobody,
            _ => new(HttpMethod.Get, $"/v1/letters/{Guid.NewGuid()}/attachments/{Guid.NewGuid()}")),
        ["401 calendar feed with an unknown token"] = new(HttpStatusCode.Unauthorized, "unauthenticated", Caller.Nobody,
            _ => new(HttpMethod.Get, "/v1/deadlines/calendar.ics?token=caf_000000000000_unknown")),
        ["401 calendar feed without a token"] = new(HttpStatusCode.Unauthorized, "unauthenticated", Caller.Nobody,
            _ => new(HttpMethod.Get, "/v1/deadlines/calendar.ics")),
        ["403 viewer writes"] = new(HttpStatusCode.Forbidden, "forbidden", Caller.Viewer,
            _ => Json(HttpMethod.Post, "/v1/cases", new { reference = "R-403", title = "t" })),
        ["404 unknown case"] = new(HttpStatusCode.NotFound, "not_found", Caller.Admin,
            _ => new(HttpMethod.Get, $"/v1/cases/{Guid.NewGuid()}")),
        ["404 unknown attachment"] = new(HttpStatusCode.NotFound, "not_found", Caller.Admin,
            _ => new(HttpMethod.Get, $"/v1/letters/{Guid.NewGuid()}/attachments/{Guid.NewGuid()}")),
        ["404 unknown route"] = new(HttpStatusCode.NotFound, "not_found", Caller.Admin,
            _ => new(HttpMethod.Get, "/v1/no-such-thing")),
        ["405 wrong method"] = new(HttpStatusCode.MethodNotAllowed, "method_not_allowed", Caller.Admin,
            _ => Json(HttpMethod.Put, "/v1/api-keys", new { })),
        ["409 duplicate reference"] = new(HttpStatusCode.Conflict, "duplicate", Caller.Admin,
            world => Json(HttpMethod.Post, "/v1/cases", new { reference = world.CaseReference, title = "Twice" })),
        ["412 stale If-Match"] = new(HttpStatusCode.PreconditionFailed, "precondition_failed", Caller.Admin,
            world => IfMatch(Json(HttpMethod.Patch, $"/v1/cases/{world.CaseId}", new { title = "Changed" }), "\"99\"")),
        ["428 no If-Match"] = new(HttpStatusCode.PreconditionRequired, "precondition_required", Caller.Admin,
            world => Json(HttpMethod.Patch, $"/v1/cases/{world.CaseId}", new { title = "Changed" })),
    };

    public static TheoryData<string, string?> FailuresByAccept()
    {
        var data = new TheoryData<string, string?>();
        foreach (var failure in Failures.Keys)
        {
            foreach (var accept in Accepts)
            {
                data.Add(failure, accept);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FailuresByAccept))]
    public async Task Every_error_is_problem_json_whatever_the_client_accepts(string failure, string? accept)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        using var viewer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Viewer));
        using var nobody = api.ClientFor(null);
        var reference = $"R-{Guid.NewGuid():N}"[..16];
        var world = new World((await admin.CaseAsync(reference)).Id(), reference);
        var (status, code, caller, request) = Failures[failure];
        using var message = request(world);
        if (accept is not null)
        {
            message.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        var response = await (caller switch { Caller.Admin => admin, Caller.Viewer => viewer, _ => nobody }).SendAsync(message);

        var problem = await ProblemAssert.IsProblemAsync(response, status, code);
        Assert.Equal($"urn:caseapi:problem:{code}", problem.GetProperty("type").GetString());
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage IfMatch(HttpRequestMessage request, string tag)
    {
        request.Headers.TryAddWithoutValidation("If-Match", tag);
        return request;
    }
}
