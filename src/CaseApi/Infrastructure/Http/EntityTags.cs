using System.Globalization;

namespace CaseApi.Infrastructure.Http;

/// <summary>A resource whose version guards concurrent changes (optimistic concurrency).</summary>
public interface IVersioned
{
    int Version { get; }
}

public sealed class PreconditionFailedException(string resource, Guid id)
    : ApiProblemException(StatusCodes.Status412PreconditionFailed, "precondition_failed",
        $"The {resource} {id} has changed since you read it; GET it again and reapply your change.");

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
            : throw new ApiProblemException(StatusCodes.Status412PreconditionFailed, "precondition_failed", "If-Match does not name a current version of this resource.");
    }

    /// <summary>412 unless the version from <see cref="RequiredVersion"/> is the current one; null (<c>*</c>) is any.</summary>
    public static void Require(int? expected, int current, string resource, Guid id)
    {
        if (expected is not null && expected != current)
        {
            throw new PreconditionFailedException(resource, id);
        }
    }

    public static IResult Ok<T>(HttpContext http, T resource) where T : IVersioned
    {
        http.Response.Headers.ETag = Of(resource.Version);
        return Results.Ok(resource);
    }

    public static IResult Created<T>(HttpContext http, string location, T resource) where T : IVersioned
    {
        http.Response.Headers.ETag = Of(resource.Version);
        return Results.Created(location, resource);
    }

    /// <summary>202 for work a job finishes: <paramref name="location"/> is where to watch it.</summary>
    public static IResult Accepted<T>(HttpContext http, string location, T resource) where T : IVersioned
    {
        http.Response.Headers.ETag = Of(resource.Version);
        return Results.Accepted(location, resource);
    }
}
