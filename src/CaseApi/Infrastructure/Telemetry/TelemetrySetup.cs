using System.Diagnostics;
using System.Diagnostics.Metrics;
using CaseApi.Infrastructure.Auth;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CaseApi.Infrastructure.Telemetry;

/// <summary>
/// Traces and metrics for the operator (issue 16). Nothing is collected for export unless asked for: metrics are scraped at
/// <see cref="MetricsPath"/> when the operator token is set (as the jobs dashboard), and traces and metrics go to an
/// OpenTelemetry collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names one (with the SDK's other <c>OTEL_*</c> settings).
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration, OperatorCredential operatorCredential)
    {
        services.AddSingleton<WorkQueueReading>();
        services.AddSingleton<CaseApiMetrics>();
        var scraped = operatorCredential.IsConfigured;
        var exported = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        if (!scraped && !exported)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "CaseApi"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(CaseApiMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    // Npgsql's own meter: the pools' connections in use, idle and awaited, per data source.
                    .AddNpgsqlInstrumentation();
                // The SDK listens to meters by name, process-wide: with several hosts in one process (the tests, the load
                // benchmark) each would report the others' numbers as well, and read their databases for the gauges. A meter
                // a host's own factory made is that host's alone. (A process running one host, as in production, drops nothing.)
                ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
                {
                    var own = provider.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
                });
                if (scraped)
                {
                    // Every scrape reads afresh: the database gauges have a cache of their own (WorkQueueReading), and only
                    // the operator can scrape.
                    metrics.AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
                }

                if (exported)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (exported)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoLoneClientSpans()))
                .AddSource(JobTracing.SourceName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Probes and scrapes every few seconds would drown the requests.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health") && context.Request.Path != MetricsPath;
                    // A calendar feed's token is its query string (FeedTokenAuthenticationHandler): no query in a trace at all.
                    options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation(options =>
                    // A webhook's URL may carry the receiver's own secret in its path or query: the span names the origin only.
                    options.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (request.RequestUri is { IsAbsoluteUri: true } uri)
                        {
                            activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority) + "/");
                        }
                    })
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// The metrics at <see cref="MetricsPath"/>, for the operator only: the same credential and answers as the jobs dashboard
    /// (<see cref="OperatorCredential"/>): 401, or 403 to an API key, and not served at all without the credential. Middleware
    /// like the dashboard, not an endpoint, so that it stays out of the API's routes and OpenAPI document.
    /// </summary>
    public static void UseMetricsEndpoint(this WebApplication app)
    {
        var credential = app.Services.GetRequiredService<OperatorCredential>();
        if (!credential.IsConfigured)
        {
            return;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: null, path: MetricsPath, configureBranchedPipeline: branch =>
            branch.Use((context, next) =>
            {
                if (credential.IsPresentedBy(context.Request))
                {
                    return next(context);
                }

                context.Response.StatusCode = context.User.Identity?.IsAuthenticated == true ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }), optionsName: null);
    }

    /// <summary>
    /// Counts each request of an organisation's (<see cref="CaseApiMetrics.Request"/>) with its final status. Outside the
    /// exception handler, so that a request that failed is counted with the 500 it was answered.
    /// </summary>
    public static void UseRequestCounting(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<CaseApiMetrics>();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (context.RequestServices.GetRequiredService<CallerContext>().OrganisationId is { } organisationId)
                {
                    metrics.Request(organisationId, context.Response.StatusCode);
                }
            }
        });
    }

    /// <summary>
    /// Drops spans that start a trace as a client call: with no request or job around them, they are Hangfire polling its queue
    /// every second, or the key ring's loads, and would drown the traces of the work itself.
    /// </summary>
    private sealed class NoLoneClientSpans : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            new(parameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }
}
