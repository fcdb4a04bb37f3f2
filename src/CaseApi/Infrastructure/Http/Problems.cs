namespace CaseApi.Infrastructure.Http;

/// <summary>
/// The stable problem types of the API (RFC 9457 <c>type</c>): clients branch on these, never on titles.
/// Each is also sent as the <c>code</c> extension member.
/// </summary>
public static class Problems
{
    public static string TypeOf(string code) => $"urn:caseapi:problem:{code}";

    public static (string Code, string Title) ForStatus(int status) => status switch
    {
        400 => ("bad_request", "The request is malformed."),
        401 => ("unauthenticated", "A valid API key is required."),
        403 => ("forbidden", "This API key's role may not do this."),
        404 => ("not_found", "No such resource."),
        405 => ("method_not_allowed", "This method is not allowed on this resource."),
        406 => ("not_acceptable", "The requested representation is not available."),
        409 => ("conflict", "The request conflicts with the resource's current state."),
        412 => ("precondition_failed", "The resource has changed since you read it."),
        413 => ("payload_too_large", "The request body is too large."),
        415 => ("unsupported_media_type", "This media type is not accepted here."),
        422 => ("unprocessable", "The request refers to something that cannot be used here."),
        428 => ("precondition_required", "Send If-Match with the ETag you read."),
        429 => ("rate_limited", "Too many requests; retry after the time in Retry-After."),
        503 => ("unavailable", "The service is temporarily unavailable; retry shortly."),
        >= 500 => ("internal_error", "An unexpected error occurred. Quote the trace id when reporting it."),
        _ => ("error", "The request failed."),
    };
}

/// <summary>A failure a handler reports on purpose, with its status and stable code.</summary>
public class ApiProblemException(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

public sealed class NotFoundException(string resource, Guid id)
    : ApiProblemException(StatusCodes.Status404NotFound, "not_found", $"No {resource} with id {id}.");

public sealed class ConflictException(string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : ApiProblemException(StatusCodes.Status409Conflict, code, detail, extensions);
