using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// Without <c>servers</c> a client generator cannot tell where the API lives (Redocly's <c>no-empty-servers</c>): the
/// document names the host it is served from, which is right for every deployment. Servers named elsewhere win.
/// </summary>
internal sealed class RelativeServerDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Servers is not { Count: > 0 })
        {
            document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document." }];
        }
    }
}
