using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using FluentValidation;
using MediatR;

namespace CaseApi.Infrastructure.Mediation;

public static class MediationSetup
{
    /// <summary>
    /// MediatR 5.1.0 has no DI package: the mediator resolves handlers and behaviours through a
    /// <see cref="ServiceFactory"/>, and handlers and validators are found by scanning this assembly.
    /// </summary>
    public static IServiceCollection AddMediation(this IServiceCollection services)
    {
        // The mediator, the behaviours and the handlers are transient: each is resolved once per request anyway, and a scoped
        // service is also remembered in the request scope's dictionary, which then grows (issue 16: a read's allocations).
        // A transient factory is handed the scope's provider, so handlers still share the request's scoped DbSession.
        services.AddTransient<ServiceFactory>(provider => provider.GetRequiredService);
        services.AddTransient<IMediator, Mediator>();

        // The pipeline, outermost first (the first registered wraps the others); this is the one place its order is written down:
        // 1. validation: bad input is a 400 naming the field before a connection is opened;
        // 2. unit of work: one connection and one transaction with the caller's organisation entered; a command commits only when
        //    its handler succeeds, a query runs READ ONLY;
        // 3. idempotency: a command's Idempotency-Key is looked up, and its response stored, inside that transaction.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(UnitOfWorkBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(IdempotencyBehavior<,>));
        services.AddScoped<IdempotencyRequest>();

        ValidatorOptions.Global.PropertyNameResolver = ClientPropertyName;
        ValidatorOptions.Global.DisplayNameResolver = (_, member, expression) => JsonDisplayName(member, expression);

        var assembly = Assembly.GetExecutingAssembly();
        AddClosedImplementations(services, assembly, typeof(IRequestHandler<,>), ServiceLifetime.Transient);
        // Singletons, as FluentValidation advises: a validator builds its rules (expression trees and all) in its
        // constructor, which per request cost more than the validation itself. Their dependencies are singletons too;
        // a validator that asked for a scoped service would fail the container's ValidateOnBuild.
        AddClosedImplementations(services, assembly, typeof(IValidator<>), ServiceLifetime.Singleton);
        return services;
    }

    /// <summary>
    /// A 400 names a field as the client sent it: a rule on <c>c.Transition.To</c> names <c>to</c>, one on
    /// <c>c.Changes.Title.Value</c> <c>title</c>. A command carries the body as its property of a class of ours (the others
    /// are route values and the version), and a PATCH field is an <see cref="Json.Optional{T}"/>; neither is in the JSON.
    /// </summary>
    private static string? ClientPropertyName(Type container, MemberInfo? member, LambdaExpression? expression)
    {
        var names = new List<string>();
        for (var body = expression?.Body; body is MemberExpression access; body = access.Expression)
        {
            var isBody = access.Expression is ParameterExpression && access.Member is PropertyInfo { PropertyType: { IsClass: true } type }
                && type.Assembly == container.Assembly && container.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<>));
            if (!isBody && !IsValueOfWrapper(access.Member))
            {
                names.Insert(0, access.Member.Name);
            }
        }

        return expression?.Body is MemberExpression ? string.Join('.', names) : member?.Name;
    }

    private static bool IsValueOfWrapper(MemberInfo member) => member.DeclaringType is { IsGenericType: true } wrapper
        && (wrapper.GetGenericTypeDefinition() == typeof(Json.Optional<>) || wrapper.GetGenericTypeDefinition() == typeof(Nullable<>));

    /// <summary>
    /// Messages name a field as the client spells it ('dueSoonWorkingDays' must be…), not as FluentValidation splits the C#
    /// name ('due Soon Working Days', also where a rule overrides the property name). A PATCH rule validates
    /// <c>c.Changes.Title.Value</c>: the field is the member that holds the <see cref="Json.Optional{T}"/>, not its <c>Value</c>.
    /// </summary>
    private static string? JsonDisplayName(MemberInfo? member, LambdaExpression? expression)
    {
        var body = expression?.Body;
        while (body is MemberExpression access)
        {
            if (!IsValueOfWrapper(access.Member))
            {
                return JsonNamingPolicy.CamelCase.ConvertName(access.Member.Name);
            }

            body = access.Expression;
        }

        return member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }

    public static IEnumerable<(Type Service, Type Implementation)> ClosedImplementations(Assembly assembly, Type openInterface) =>
        from type in assembly.GetTypes()
        where type is { IsAbstract: false, IsGenericTypeDefinition: false }
        from service in type.GetInterfaces()
        where service.IsGenericType && service.GetGenericTypeDefinition() == openInterface
        select (service, type);

    private static void AddClosedImplementations(IServiceCollection services, Assembly assembly, Type openInterface, ServiceLifetime lifetime)
    {
        foreach (var (service, implementation) in ClosedImplementations(assembly, openInterface))
        {
            services.Add(new ServiceDescriptor(service, implementation, lifetime));
        }
    }
}
