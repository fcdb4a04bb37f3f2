using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Threading.RateLimiting;
using CaseApi.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Infrastructure.Http;

public static class HttpSetup
{
    /// <summary>Where the API listens when nothing says otherwise: the run command's address.</summary>
    public const string DefaultUrls = "http://localhost:5080";

    /// <summary>
    /// Listens on <see cref="DefaultUrls"/> only when none of ASP.NET Core's own settings names an address: <c>Urls</c>
    /// (<c>ASPNETCORE_URLS</c>, <c>--urls</c>), <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c> (<c>ASPNETCORE_HTTP_PORTS</c>, the
    /// container images' convention) or Kestrel endpoints. A default in appsettings.json would outrank
    /// <c>ASPNETCORE_URLS</c>, and the Docker image listened on its own loopback (issue 11).
    /// </summary>
    public static void ListenByDefault(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        if (new[] { "urls", "http_ports", "https_ports" }.All(key => string.IsNullOrWhiteSpace(configuration[key]))
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            webHost.UseUrls(DefaultUrls);
        }
    }

    /// <summary>
    /// Per-caller rate limits: one integration's runaway loop must not starve the lawyers' Swagger UI, and a client trying
    /// keys must not lock out every calendar feed (issue 11). A caller is its API key, its calendar feed (authenticated
    /// before the limiter, see <see cref="UseFeedTokenAuthentication"/>), or else its address; health checks are exempt.
    /// </summary>
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var permitsPerMinute = configuration.GetValue("RateLimiting:PermitsPerMinute", 1200);
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    Caller(context).Partition,
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = permitsPerMinute,
                        TokensPerPeriod = permitsPerMinute,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            // The framework's default is a bare 503; clients need 429 and when to come back.
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails { Status = 429, Detail = $"More than {permitsPerMinute} requests a minute for this {Caller(context.HttpContext).Name}." },
                });
            };
        });
        return services;
    }

    private static (string Partition, string Name) Caller(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId ? ($"key:{keyId}", "API key")
        : context.User.FindFirstValue(FeedTokenAuthenticationHandler.FeedIdClaim) is { } feedId ? ($"feed:{feedId}", "calendar feed")
        : ($"ip:{context.Connection.RemoteIpAddress}", "client address");

    /// <summary>
    /// Authenticates a calendar feed's token before the rate limiter, so that each feed has a limit of its own. Its policy
    /// authenticates again later; the handler keeps its result for the request, so the token is looked up once.
    /// </summary>
    public static IApplicationBuilder UseFeedTokenAuthentication(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == FeedTokenAuthenticationHandler.Policy) == true
            && (await context.AuthenticateAsync(FeedTokenAuthenticationHandler.SchemeName)).Principal is { } feed)
        {
            context.User = feed;
        }

        await next(context);
    });

    /// <summary>
    /// Client address and scheme from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, believed only from the proxies
    /// in <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR). None
    /// configured: none believed. The framework's own default would trust any sender once both lists are empty (as
    /// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> makes them), and a client could then pick its rate-limit bucket.
    /// </summary>
    public static IServiceCollection AddForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Parse(configuration, "ForwardedHeaders:KnownProxies", "an IP address",
            (string text, out IPAddress address) => IPAddress.TryParse(text, out address!));
        var networks = Parse(configuration, "ForwardedHeaders:KnownNetworks", "an address range in CIDR notation (10.0.0.0/8)",
            (string text, out System.Net.IPNetwork network) => System.Net.IPNetwork.TryParse(text, out network));
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
            options.ForwardedHeaders = proxies.Count + networks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            // Through a chain of configured proxies (a load balancer, then an ingress) to the first address that is not
            // one: entries before that are the client's to write, and so never believed.
            options.ForwardLimit = null;
        });
        return services;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static List<T> Parse<T>(IConfiguration configuration, string key, string expected, TryParse<T> tryParse) =>
        configuration.GetSection(key).GetChildren()
            .Select(entry => tryParse(entry.Value?.Trim() ?? "", out var value)
                ? value
                : throw new InvalidOperationException($"{entry.Path}: '{entry.Value}' is not {expected}."))
            .ToList();

    /// <summary>
    /// Kestrel's header limits, stated so that they can be tuned, and checked by a test on a real Kestrel (the in-memory
    /// test server enforces none): too large or too many headers get 431 before the app sees the request.
    /// </summary>
    public static void ConfigureServerLimits(this IWebHostBuilder webHost, IConfiguration configuration) => webHost.ConfigureKestrel(options =>
    {
        // "Server: Kestrel" tells a scanner which exploits to try and tells a client nothing it needs.
        options.AddServerHeader = false;
        options.Limits.MaxRequestHeadersTotalSize = configuration.GetValue("Limits:MaxRequestHeadersTotalBytes", 32 * 1024);
        options.Limits.MaxRequestHeaderCount = configuration.GetValue("Limits:MaxRequestHeaderCount", 100);
    });

    /// <summary>
    /// Rejects oversized bodies before they are read: Kestrel enforces the same limit for chunked uploads,
    /// and this check also covers hosts without that feature (the in-memory test server). Endpoints that take
    /// more (attachments) say so with <see cref="IRequestSizeLimitMetadata"/>.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long defaultMaxBytes) => app.Use((context, next) =>
    {
        var maxBytes = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultMaxBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature && feature.MaxRequestBodySize > maxBytes)
        {
            feature.MaxRequestBodySize = maxBytes;
        }

        return context.Request.ContentLength > maxBytes
            ? throw new BadHttpRequestException($"The request body is larger than {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge)
            : next(context);
    });

    /// <summary>
    /// A body in a charset .NET cannot decode is refused with 415. Minimal APIs would look the charset up only when
    /// binding the body and throw an InvalidOperationException, which is a 500.
    /// </summary>
    public static IApplicationBuilder UseKnownCharsets(this IApplicationBuilder app) => app.Use((context, next) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset is { Length: > 0 } charset && !IsKnown(charset.Value!)
            ? throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", $"Unknown charset '{charset}'; send UTF-8.")
            : next(context));

    private static bool IsKnown(string charset)
    {
        try
        {
            Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
