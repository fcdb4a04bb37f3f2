using CaseApi.Features.ApiKeys;
using CaseApi.Features.CalendarFeeds;
using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Courts;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Defendants;
using CaseApi.Features.Dpas;
using CaseApi.Features.Events;
using CaseApi.Features.Inbox;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Obligations;
using CaseApi.Features.Organisations;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Stats;
using CaseApi.Features.Timeline;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Jobs;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.OpenApi;
using CaseApi.Infrastructure.Secrets;
using CaseApi.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;

namespace CaseApi;

/// <summary>The composition of the API: services, then the HTTP pipeline and routes.</summary>
public static class CaseApiSetup
{
    public const string ReadyTag = "ready";

    /// <summary>The host's own setting (read case-insensitively), with CaseApi's default.</summary>
    public const string ShutdownTimeoutKey = "ShutdownTimeoutSeconds";

    public static void AddCaseApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var mode = JobsSetup.ModeOf(builder.Configuration);
        builder.Host.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
        // On SIGTERM, requests in flight (and running jobs) get this long to finish. Below Kubernetes' default grace period
        // of 30 s, so that what still runs then is cut off by the host, which exits cleanly, rather than by SIGKILL.
        services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue(ShutdownTimeoutKey, 25)));

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<CallerContext>();
        services.AddSingleton<ApiKeyCache>();
        var operatorCredential = new OperatorCredential(builder.Configuration);
        services.AddSingleton(operatorCredential);
        services.AddHttpContextAccessor();
        var publicBaseUrl = PublicLinks.ParseBaseUrl(builder.Configuration);
        services.AddSingleton(provider => new PublicLinks(publicBaseUrl, provider.GetRequiredService<IHttpContextAccessor>()));
        services.AddScoped<TimelineWriter>();
        services.AddScoped<EventWriter>();
        services.AddScoped<DeadlineKeeper>();
        services.AddScoped<DeadlineChains>();
        services.AddScoped<UrgencyWindowRisk>();
        services.AddScoped<CeaseAndDesistOutcomes>();
        services.AddScoped<LetterTemplateRenderer>();
        services.AddScoped<LetterRecorder>();
        services.AddScoped<LetterSending>();
        services.AddScoped<MessageThreading>();
        services.AddScoped<MailLetters>();
        services.AddSingleton(new MessageIds(builder.Configuration));
        services.AddWebhooks();
        services.AddMail();
        services.AddLetterMail();
        services.AddDatabase();
        // After the database: Data Protection loads its key ring from it at start.
        services.AddSecrets();
        services.AddMediation();
        services.Configure<JsonOptions>(options => JsonSetup.ConfigureRequests(options.SerializerOptions));
        // Malformed bodies become exceptions, so that the one exception handler answers them as problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemResponses();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, FeedTokenAuthenticationHandler>(FeedTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddApiRateLimits(builder.Configuration);
        services.AddForwardedHeaders(builder.Configuration);
        builder.WebHost.ConfigureServerLimits(builder.Configuration);
        builder.WebHost.ListenByDefault(builder.Configuration);
        // A year: browsers forget a shorter pin between the visits of someone who opens Swagger UI now and then.
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag]);
        services.AddSwagger();
        services.AddJobs(builder.Configuration, mode);
        services.AddTelemetry(builder.Configuration, operatorCredential);
    }

    public static void UseCaseApi(this WebApplication app)
    {
        // First: the rate limiter, HSTS and links read the client's address and scheme, which a configured proxy forwards.
        app.UseForwardedHeaders();
        app.UseRequestCounting();
        app.UseSecurityHeaders("/swagger", "/hangfire");
        if (!app.Environment.IsDevelopment())
        {
            // Only on https requests (behind a TLS proxy: X-Forwarded-Proto from a configured one), and never for localhost
            // (HstsOptions.ExcludedHosts), where a pin would outlive the dev server.
            app.UseHsts();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit(app.Configuration.GetValue("Limits:MaxRequestBodyBytes", 1024L * 1024));
        // 3.1: JSON Schema 2020-12 schemas, and the `webhooks` section that documents what receivers get.
        app.UseSwagger(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/swagger/{SwaggerSetup.DocumentName}/swagger.json", "CaseApi v1");
            options.DocumentTitle = "CaseApi";
            // Persisted, the key sits in the browser's localStorage, readable by any script of the origin and left
            // behind on shared machines: only when asked for.
            if (app.Configuration.GetValue("Swagger:PersistAuthorization", false))
            {
                options.EnablePersistAuthorization();
            }

            options.DisplayRequestDuration();
        });
        app.UseAuthentication();
        app.UseJobsDashboard();
        app.UseMetricsEndpoint();
        app.UseFeedTokenAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseKnownCharsets();

        // Never rate-limited: an orchestrator that gets 429 from a probe restarts a healthy instance.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous().DisableRateLimiting();

        var v1 = app.MapGroup("/v1").RequireAuthorization(Policies.Read).AddEndpointFilter<IdempotencyKeyFilter>();
        v1.MapOrganisation();
        v1.MapApiKeys();
        v1.MapDefendants();
        v1.MapCases();
        v1.MapComplaints();
        v1.MapProceedings();
        v1.MapCorrespondence();
        v1.MapInbox();
        v1.MapLetterTemplates();
        v1.MapDeadlines();
        v1.MapObligations();
        v1.MapCalendarFeeds();
        v1.MapStats();
        v1.MapEscalation();
        v1.MapEvents();
        v1.MapWebhooks();
        v1.MapDpas();
        v1.MapCourts();
    }
}
