using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Tests.Infrastructure;

public sealed class MediationTests
{
    [Fact]
    public void Every_request_type_has_exactly_one_handler()
    {
        var assembly = typeof(MediationSetup).Assembly;
        var requests = assembly.GetTypes()
            .Where(type => type is { IsAbstract: false, IsInterface: false } && type.GetInterfaces().Any(IsRequest))
            .ToArray();
        var handled = MediationSetup.ClosedImplementations(assembly, typeof(IRequestHandler<,>))
            .GroupBy(pair => pair.Service.GetGenericArguments()[0])
            .ToDictionary(group => group.Key, group => group.Count());

        Assert.NotEmpty(requests);
        Assert.All(requests, request => Assert.True(handled.GetValueOrDefault(request) == 1,
            $"{request.FullName} has {handled.GetValueOrDefault(request)} handlers"));
    }

    [Fact]
    public void Every_request_is_either_a_command_or_a_query()
    {
        var requests = typeof(MediationSetup).Assembly.GetTypes().Where(type => !type.IsInterface && type.GetInterfaces().Any(IsRequest));

        Assert.All(requests, request => Assert.True(
            request.GetInterfaces().Count(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ICommand<>) || i.GetGenericTypeDefinition() == typeof(IQuery<>))) == 1,
            $"{request.FullName} must implement exactly one of ICommand<> and IQuery<>, so the unit of work knows whether it may write"));
    }

    [Fact]
    public void Handlers_never_send_other_requests()
    {
        var handlers = MediationSetup.ClosedImplementations(typeof(MediationSetup).Assembly, typeof(IRequestHandler<,>)).Select(pair => pair.Implementation);

        Assert.All(handlers, handler => Assert.DoesNotContain(
            handler.GetConstructors().SelectMany(c => c.GetParameters()),
            parameter => parameter.ParameterType == typeof(IMediator) || parameter.ParameterType == typeof(ServiceFactory)));
    }

    private static bool IsRequest(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IRequest<>);
}
