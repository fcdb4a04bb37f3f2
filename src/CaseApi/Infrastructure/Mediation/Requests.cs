using MediatR;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>Changes state: runs in a read-write transaction, committed when its handler returns.</summary>
public interface ICommand<out TResponse> : IRequest<TResponse>;

/// <summary>Reads state: runs in a read-only transaction, so a query cannot write even by mistake.</summary>
public interface IQuery<out TResponse> : IRequest<TResponse>;
