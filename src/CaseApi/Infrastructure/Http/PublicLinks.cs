namespace CaseApi.Infrastructure.Http;

/// <summary>
/// Absolute links that leave the API, such as a calendar feed's URL, which ends up in someone's calendar app. They start
/// with <c>PublicBaseUrl</c> when it is set: behind a TLS proxy the request the API sees may be plain http to an inner
/// host (issue 11). Without it, with the request's own scheme, host and path base.
/// </summary>
public sealed class PublicLinks(Uri? baseUrl, IHttpContextAccessor http)
{
    public const string BaseUrlKey = "PublicBaseUrl";

    /// <summary>The configured base URL, checked at start so that a typo stops the API instead of going out in links.</summary>
    public static Uri? ParseBaseUrl(IConfiguration configuration) =>
        configuration[BaseUrlKey] is not { Length: > 0 } value ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0 ? url
        : throw new InvalidOperationException($"{BaseUrlKey} must be an absolute http or https URL without query or fragment, such as https://caseapi.example.org; it is '{value}'.");

    /// <summary><paramref name="pathAndQuery"/> (starting with <c>/</c>) under the public base URL.</summary>
    public string Absolute(string pathAndQuery)
    {
        var request = http.HttpContext?.Request;
        var origin = baseUrl is not null ? baseUrl.AbsoluteUri.TrimEnd('/')
            : request is null ? ""
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
        return origin + pathAndQuery;
    }
}
