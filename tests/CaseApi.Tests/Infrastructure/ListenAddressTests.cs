using System.Globalization;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Tests.Infrastructure;

/// <summary>ASP.NET Core's own variables decide where the API listens; the local default applies only without them.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("ASPNETCORE_URLS", "http://127.0.0.1:{0}")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "{0}")]
    public async Task The_API_listens_where_the_standard_variable_says(string variable, string value)
    {
        var port = EmbeddedPostgres.FreePort();
        var database = await TestDatabase.CreateAsync(nameof(ListenAddressTests));
        try
        {
            var environment = new Dictionary<string, string>(ServedApi.DatabaseSettings(database))
            {
                [variable] = string.Format(CultureInfo.InvariantCulture, value, port),
            };

            // Starting waits until /health/ready answers 200 on that port.
            await using var api = await ServedApi.StartAsync(CaseApiProcess.Dll, environment, new Uri($"http://127.0.0.1:{port}"));

            using var client = api.Client(null);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }
}
