using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Support;

/// <summary>The app's own list of routes, so that tests over "every route" cover new routes without being edited.</summary>
public static class Routes
{
    public sealed record Route(string Method, RoutePattern Pattern, Endpoint Endpoint)
    {
        public IReadOnlyList<string> ParameterNames => Pattern.Parameters.Select(p => p.Name).ToArray();

        public string Path(IReadOnlyDictionary<string, string> values) => "/" + string.Join('/', Pattern.PathSegments.Select(segment =>
            string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternParameterPart parameter => values[parameter.Name],
                RoutePatternSeparatorPart separator => separator.Content,
                _ => throw new NotSupportedException(part.GetType().Name),
            }))));

        public override string ToString() => $"{Method} /{Pattern.RawText?.TrimStart('/')}";
    }

    public static IReadOnlyList<Route> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new Route(method, endpoint.RoutePattern, endpoint)))
            .ToArray();

    /// <summary>A request of the content type the route takes (an empty JSON object, or an empty form for uploads).</summary>
    public static HttpRequestMessage Request(Route route, string path) => new(new HttpMethod(route.Method), path)
    {
        Content = route.Method is not ("POST" or "PUT" or "PATCH") ? null
            : route.Endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true
                ? new MultipartFormDataContent()
                : JsonContent.Create(new { }),
    };
}
