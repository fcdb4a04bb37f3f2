using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

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

    /// <summary>Per-key rate limits: one integration's runaway loop must not starve the lawyers' Swagger UI.</summary>
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var permitsPerMinute = configuration.GetValue("RateLimiting:PermitsPerMinute", 1200);
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? $"ip:{context.Connection.RemoteIpAddress}",
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
                    ProblemDetails = new ProblemDetails { Status = 429, Detail = $"More than {permitsPerMinute} requests a minute for this API key." },
                });
            };
        });
        return services;
    }

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
