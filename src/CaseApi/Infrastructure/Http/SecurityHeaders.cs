namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Headers that make browsers treat what the API sends as data: nothing sniffed into HTML, nothing framed, no
/// referrer leaking a case id to another site, and personal data kept out of shared and browser caches.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// JSON, calendar feeds and attachments run nothing and load nothing. An uploaded HTML file opened from an
    /// attachment link therefore cannot run a script with the API's origin.
    /// </summary>
    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// Swagger UI and the jobs dashboard load only their own scripts, styles and fonts (neither has inline script);
    /// their stylesheets draw icons from <c>data:</c> URIs, and they fetch from this origin only. Two inline styles are
    /// allowed by their hashes: the colours of Swagger UI's logo (<c>.logo_small_svg__cls-2{fill:#fff}…</c>) and the
    /// dashboard's Chart.js resize monitor (<c>/* Chart.js */ @keyframes chartjs-render-animation…</c>). A new
    /// Swagger UI or Hangfire may change them; SwaggerUiBrowserTests then fails with the new hash.
    /// </summary>
    public const string PagePolicy = "default-src 'none'; script-src 'self'; " +
                                     "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=' 'sha256-z7zcnw/4WalZqx+PrNaRnoeLz/G9WXuFqV1WCJ129sg='; " +
                                     "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// Sets the headers just before a response starts, so that responses written past the rest of the pipeline (the
    /// exception handler, which clears headers; the rate limiter's 429) carry them too.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, params PathString[] pages) => app.Use((context, next) =>
    {
        var path = context.Request.Path;
        var isPage = pages.Any(page => path.StartsWithSegments(page));
        var carriesCaseData = path.StartsWithSegments("/v1");
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = isPage ? PagePolicy : DataPolicy;
            // ETags here guard writes (If-Match), not caches: no revalidation design needs a stored copy.
            if (carriesCaseData)
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
