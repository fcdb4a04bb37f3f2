namespace CaseApi.Tests.Support.Contract;

/// <summary>
/// Sits in every test client and checks each response against <c>openapi.yaml</c>: so every operation the suite
/// calls, with every status it provokes, is a contract check. A violation fails the test that made the call.
/// </summary>
public sealed class ContractCheckingHandler(OpenApiContract contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var violations = contract.Check(request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType, body)
            .Concat(contract.CheckHeaders(request.Method, request.RequestUri.AbsolutePath, (int)response.StatusCode, response.Headers.Select(h => h.Key)))
            .ToArray();
        if (violations.Length > 0)
        {
            throw new ContractViolationException(
                $"{request.Method} {request.RequestUri.PathAndQuery} answered {(int)response.StatusCode} contrary to openapi.yaml:\n  {string.Join("\n  ", violations)}\n"
                + $"Body: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 2000)))}");
        }

        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
