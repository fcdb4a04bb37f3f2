using FluentValidation;
using MediatR;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>Runs every validator of the request before a connection is opened; the first failure set is a 400.</summary>
public sealed class ValidationBehavior<TRequest, TResponse>(IEnumerable<IValidator<TRequest>> validators)
    : IPipelineBehavior<TRequest, TResponse>
{
    // MediatR 5.x puts `next` last.
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(request, cancellationToken);
            failures.AddRange(result.Errors);
        }

        return failures.Count > 0 ? throw new ValidationException(failures) : await next();
    }
}
