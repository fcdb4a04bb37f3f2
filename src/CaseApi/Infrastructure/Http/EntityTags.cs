using System.Globalization;
using CaseApi.Infrastructure.Mediation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Infrastructure.Http;

/// <summary>A resource whose version guards concurrent changes (optimistic concurrency).</summary>
public interface IVersioned
{
    int Version { get; }
}

/// <summary>412: the version sent in <c>If-Match</c> is not the current one (the only way this API answers 412).</summary>
public sealed class PreconditionFailedException(string detail) : ApiProblemException(StatusCodes.Status412PreconditionFailed, "precondition_failed", detail)
{
    /// <param name="resource">What changed, in words ("deadline").</param>
    /// <param name="id">Null for a resource there is one of (the organisation's escalation policy): no id to name.</param>
    public PreconditionFailedException(string resource, Guid? id)
        : this($"The {resource}{(id is { } named ? $" {named}" : "")} has changed since you read it; GET it again and reapply your change.")
    {
    }
}

/// <summary>
/// ETag and If-Match on the resource's version: GET hands out <c>"&lt;version&gt;"</c>, and a change must send it
/// back, so that two lawyers editing the same case cannot silently overwrite each other.
/// </summary>
public static class EntityTags
{
    public static string Of(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version the client last read, from <c>If-Match</c>: 428 without one, 412 for anything but one of our tags or
    /// <c>*</c>. <c>*</c> is null: it matches whatever version is current (RFC 9110 §13.1.1), and a resource that does not
    /// exist is still a 404, since preconditions are evaluated only where the request would otherwise succeed (§13.2.1).
    /// Endpoints bind the header as a parameter (<c>[FromHeader(Name = "If-Match")]</c>), so that the OpenAPI document
    /// and Swagger UI offer it.
    /// </summary>
    public static int? RequiredVersion(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new ApiProblemException(StatusCodes.Status428PreconditionRequired, "precondition_required",
                "Send If-Match with the ETag of your last GET, so that you do not overwrite a change you have not seen.");
        }

        var tag = header.Trim();
        if (tag == "*")
        {
            return null;
        }

        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }

        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && int.TryParse(tag[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new PreconditionFailedException("If-Match does not name a current version of this resource.");
    }

    /// <summary>Whether the version from <see cref="RequiredVersion"/> is the current one; null (<c>*</c>) is any.</summary>
    public static bool Matches(int? expected, int current) => expected is null || expected == current;

    /// <summary>412 unless the version from <see cref="RequiredVersion"/> is the current one; null (<c>*</c>) is any.</summary>
    public static void Require(int? expected, int current, string resource, Guid? id)
    {
        if (!Matches(expected, current))
        {
            throw new PreconditionFailedException(resource, id);
        }
    }

    public static IResult Ok<T>(HttpContext http, T resource) where T : IVersioned => Results.Ok(Tagged(http, resource));

    public static IResult Created<T>(HttpContext http, string location, T resource) where T : IVersioned => Results.Created(location, Tagged(http, resource));

    /// <summary>202 for work a job finishes: <paramref name="location"/> is where to watch it.</summary>
    public static IResult Accepted<T>(HttpContext http, string location, T resource) where T : IVersioned => Results.Accepted(location, Tagged(http, resource));

    private static T Tagged<T>(HttpContext http, T resource) where T : IVersioned
    {
        http.Response.Headers.ETag = Of(resource.Version);
        return resource;
    }

    /// <summary>
    /// Maps a change of the versioned resource at <c>{id}</c>: the id, the body and the version from <c>If-Match</c> make one
    /// command, and its result goes back with its ETag (or as <paramref name="respond"/> says). The header is a parameter of
    /// the handler so that the OpenAPI document and Swagger UI offer it; <see cref="RequiredVersion"/> answers 428 without it.
    /// <c>TBody : class</c>: ASP.NET Core reads an unconstrained generic body as nullable, and would accept (and the document
    /// offer) a request without one. The endpoint carries the method that makes the command, so that the OpenAPI document
    /// finds the slice and its validator (<see cref="OpenApi.UseCases"/>).
    /// </summary>
    public static RouteHandlerBuilder MapVersionedChange<TBody, TResult>(this IEndpointRouteBuilder routes, string method, string pattern,
        Func<Guid, int?, TBody, ICommand<TResult>> command, Func<HttpContext, TResult, IResult>? respond = null) where TBody : class where TResult : IVersioned =>
        routes.MapMethods(pattern, [method], (Guid id, TBody body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            SendAsync(http, mediator, command(id, RequiredVersion(ifMatch), body), respond, ct)).WithMetadata(command.Method);

    /// <summary>The same for a resource the organisation has one of (its settings, its escalation policy): no id.</summary>
    public static RouteHandlerBuilder MapVersionedChange<TBody, TResult>(this IEndpointRouteBuilder routes, string method, string pattern,
        Func<int?, TBody, ICommand<TResult>> command) where TBody : class where TResult : IVersioned =>
        routes.MapMethods(pattern, [method], (TBody body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            SendAsync(http, mediator, command(RequiredVersion(ifMatch), body), null, ct)).WithMetadata(command.Method);

    /// <summary>The same for the organisation's urgency window at <c>{courtCode}</c>.</summary>
    public static RouteHandlerBuilder MapVersionedChange<TBody, TResult>(this IEndpointRouteBuilder routes, string method, string pattern,
        Func<string, int?, TBody, ICommand<TResult>> command) where TBody : class where TResult : IVersioned =>
        routes.MapMethods(pattern, [method], (string courtCode, TBody body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            SendAsync(http, mediator, command(courtCode, RequiredVersion(ifMatch), body), null, ct)).WithMetadata(command.Method);

    /// <summary>The same without a body: removing the organisation's urgency window at <c>{courtCode}</c>.</summary>
    public static RouteHandlerBuilder MapVersionedChange<TResult>(this IEndpointRouteBuilder routes, string method, string pattern,
        Func<string, int?, ICommand<TResult>> command) where TResult : IVersioned =>
        routes.MapMethods(pattern, [method], (string courtCode, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            SendAsync(http, mediator, command(courtCode, RequiredVersion(ifMatch)), null, ct)).WithMetadata(command.Method);

    private static async Task<IResult> SendAsync<TResult>(HttpContext http, IMediator mediator, ICommand<TResult> command,
        Func<HttpContext, TResult, IResult>? respond, CancellationToken ct) where TResult : IVersioned
    {
        var result = await mediator.Send(command, ct);
        return respond is null ? Ok(http, result) : respond(http, result);
    }
}
