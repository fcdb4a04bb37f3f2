using CaseApi.Infrastructure.Data;
using MediatR;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>
/// One transaction around each request's handler: commands commit only when the handler succeeds,
/// queries run read-only. Anything else rolls back when the session is disposed.
/// </summary>
public sealed class UnitOfWorkBehavior<TRequest, TResponse>(DbSession db) : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly bool IsCommand = typeof(TRequest).GetInterfaces()
        .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>));

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        await db.BeginAsync(readOnly: !IsCommand, cancellationToken);
        try
        {
            var response = await next();
            await db.CommitAsync(cancellationToken);
            return response;
        }
        finally
        {
            await db.DisposeAsync();
        }
    }
}
