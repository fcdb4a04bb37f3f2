using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 17: a command carries the client's body as one of its properties (UpdateOrganisation.Command.Changes), and a PATCH
/// field is an Optional. A 400 names the field as the client sent it (<c>localHolidays[0].name</c>), never through the
/// command (<c>changes.localHolidays.value[0].name</c>); the rules say so without overriding their names one by one.
/// </summary>
public sealed class ValidationFieldNameTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public void No_rule_of_a_request_names_a_field_through_the_property_that_holds_the_body_or_through_an_Optional()
    {
        var assembly = typeof(MediationSetup).Assembly;
        var rules = (
            from request in assembly.GetTypes()
            where !request.IsInterface && request.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequest<>))
            from validator in api.Services.GetServices(typeof(IValidator<>).MakeGenericType(request)).Cast<IValidator>()
            from rule in validator.CreateDescriptor().Rules
            let bodies = request.GetProperties().Where(p => p.PropertyType.IsClass && p.PropertyType.Assembly == assembly).Select(p => p.Name)
            select (Request: request, Name: rule.PropertyName ?? "", Bodies: bodies.ToArray())).ToArray();

        var throughTheCommand = rules
            .Where(rule => rule.Bodies.Contains(rule.Name.Split('.')[0]) || rule.Name.Split('.').Any(segment => segment == "Value" || segment.StartsWith("Value[", StringComparison.Ordinal)))
            .Select(rule => $"{rule.Request.FullName}: {rule.Name}")
            .ToArray();

        Assert.True(rules.Length > 100, $"only {rules.Length} rules found: is the search for validators broken?");
        Assert.True(rules.Count(rule => rule.Bodies.Length > 0) > 50, "the requests that carry a body were not found");
        Assert.True(throughTheCommand.Length == 0, $"rules that name a field through the command:\n  {string.Join("\n  ", throughTheCommand)}");
    }

    [Fact]
    public async Task A_400_names_a_field_inside_a_list_of_a_merge_patch_as_the_client_sent_it_and_nothing_else()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var request = new HttpRequestMessage(HttpMethod.Patch, "/v1/organisation")
        {
            Content = JsonContent.Create(new { localHolidays = new[] { new { name = "", month = 5, day = 1 } } }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var problem = await ProblemAssert.NamesInvalidFieldAsync(await admin.SendAsync(request), "localHolidays[0].name");

        Assert.Equal(["localHolidays[0].name"], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task A_400_names_a_field_of_a_wrapped_body_without_the_wrapper()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var @case = await admin.CaseAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/cases/{@case.Id()}") { Content = JsonContent.Create(new { title = "" }) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var problem = await ProblemAssert.NamesInvalidFieldAsync(await admin.SendAsync(request), "title");

        Assert.Equal(["title"], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }
}
