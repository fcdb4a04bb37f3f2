using System.Collections.Concurrent;
using CaseApi.Features.Demo;
using CaseApi.Infrastructure.Data;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The lawyers' path, as a lawyer takes it: the real API in demo mode, its key read from the log, and the machine's
/// Chromium clicking through Swagger UI. Catches what no HTTP test sees: a security scheme the Authorize dialog cannot
/// use, a Content-Security-Policy that breaks the page, a script that fails to load.
/// </summary>
public sealed class SwaggerUiBrowserTests(SwaggerUiBrowserTests.RunningApi api) : IClassFixture<SwaggerUiBrowserTests.RunningApi>
{
    /// <summary>Debian's package; Playwright's own browser builds cannot be downloaded here, and need not be.</summary>
    private const string DefaultChromium = "/usr/bin/chromium";

    private const float StepTimeoutMs = 30_000;

    [Fact]
    public async Task A_lawyer_authorizes_with_the_demo_key_and_lists_the_demo_case()
    {
        await using var browser = await WatchedPage.OpenAsync(nameof(A_lawyer_authorizes_with_the_demo_key_and_lists_the_demo_case), api);
        await browser.RunAsync(async page =>
        {
            await page.GotoAsync(new Uri(api.BaseAddress, "/swagger").ToString());

            await page.Locator(".auth-wrapper button.authorize").ClickAsync();
            var dialog = page.Locator(".modal-ux");
            // The dialog lists every scheme (the calendar feed's token too); the key goes into the bearer one.
            var bearer = dialog.Locator(".auth-container").Filter(new() { HasText = "(http, Bearer)" });
            await bearer.Locator("#auth-bearer-value").FillAsync(api.DemoKey);
            await bearer.Locator(".auth-btn-wrapper button.authorize").ClickAsync();
            await Assertions.Expect(bearer.GetByText("Authorized", new() { Exact = true })).ToBeVisibleAsync();
            await dialog.Locator("button.btn-done").First.ClickAsync();

            var listCases = page.Locator("#operations-Cases-ListCases");
            await listCases.Locator(".opblock-summary-control").ClickAsync();
            await listCases.Locator("button.try-out__btn").ClickAsync();
            await listCases.Locator("button.execute").ClickAsync();

            var response = listCases.Locator(".live-responses-table .response");
            await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
            var body = response.Locator(".response-col_description .highlight-code");
            await Assertions.Expect(body).ToContainTextAsync(DemoData.CaseReference);
            await Assertions.Expect(body).ToContainTextAsync("Meta: training AI on EU users");
        });
    }

    /// <summary>
    /// The dashboard lives under the same page policy as Swagger UI; its charts and live counters must survive it. It opens
    /// with the operator's token, not the demo key (issue 11).
    /// </summary>
    [Fact]
    public async Task The_jobs_dashboard_renders_under_its_Content_Security_Policy()
    {
        await using var browser = await WatchedPage.OpenAsync(nameof(The_jobs_dashboard_renders_under_its_Content_Security_Policy), api,
            new BrowserNewPageOptions { ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {RunningApi.OperatorToken}" } });
        await browser.RunAsync(async page =>
        {
            await page.GotoAsync(new Uri(api.BaseAddress, "/hangfire").ToString());

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Realtime Graph" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("canvas").First).ToBeVisibleAsync();
        });
    }

    private static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : DefaultChromium;
        // Fail, not skip: CI installs Chromium, so a missing one is a broken machine, not an optional test.
        Assert.True(File.Exists(path),
            $"No Chromium at {path}. Install Debian's package (`apt-get install chromium`, as .ci/run does), or set CHROMIUM_PATH to a Chromium executable.");
        return path;
    }

    /// <summary>
    /// A Chromium page that records what the Content-Security-Policy blocked and what scripts threw, and that on a
    /// failure saves a screenshot and names it, with the API's log, in the message.
    /// </summary>
    private sealed class WatchedPage(string name, RunningApi api, IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> policyViolations = new();
        private readonly ConcurrentQueue<string> pageErrors = new();

        public static async Task<WatchedPage> OpenAsync(string name, RunningApi api, BrowserNewPageOptions? options = null)
        {
            var chromium = ChromiumPath();
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Timeout = 60_000 });
            var page = await browser.NewPageAsync(options);
            page.SetDefaultTimeout(StepTimeoutMs);
            Assertions.SetDefaultExpectTimeout(StepTimeoutMs);
            var watched = new WatchedPage(name, api, playwright, browser, page);
            await page.ExposeFunctionAsync("reportPolicyViolation", (string violation) => watched.policyViolations.Enqueue(violation));
            await page.AddInitScriptAsync("""
                document.addEventListener('securitypolicyviolation', e => window.reportPolicyViolation(
                    `${e.effectiveDirective} blocked ${e.blockedURI} (${e.target?.outerHTML?.slice(0, 200) ?? ''}) from ${e.sourceFile}`));
                """);
            // Chromium's console message carries the hash that would allow a blocked inline style; the event names the element.
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    watched.policyViolations.Enqueue(message.Text);
                }
            };
            page.PageError += (_, error) => watched.pageErrors.Enqueue(error);
            return watched;
        }

        public async Task RunAsync(Func<IPage, Task> steps)
        {
            try
            {
                await steps(page);
                Assert.True(policyViolations.IsEmpty, "The Content-Security-Policy blocked parts of the page:\n" + string.Join('\n', policyViolations));
                Assert.True(pageErrors.IsEmpty, "The page's scripts threw:\n" + string.Join('\n', pageErrors));
            }
            catch (Exception failure) when (failure is PlaywrightException or XunitException)
            {
                var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
                throw new XunitException($"""
                    {failure.Message}
                    Screenshot: {screenshot}
                    Blocked by the Content-Security-Policy: {string.Join(" | ", policyViolations)}
                    Page errors: {string.Join(" | ", pageErrors)}
                    API log:
                    {api.Log}
                    """);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>The API's own build as a process (<see cref="ServedApi"/>), in demo mode on a test database.</summary>
    public sealed class RunningApi : IAsyncLifetime
    {
        public const string OperatorToken = "browser-test-operator-token-0123456789abcdef";

        private DatabaseConnections? database;
        private ServedApi? served;

        public Uri BaseAddress => Served.BaseAddress;

        public string DemoKey { get; private set; } = "";

        public string Log => Served.OutputTail(200);

        private ServedApi Served => served ?? throw new InvalidOperationException("InitializeAsync has not run.");

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync(nameof(SwaggerUiBrowserTests));
            served = await ServedApi.StartAsync(database, new Dictionary<string, string>
            {
                ["Demo__Enabled"] = "true", ["Mode"] = "api", ["Operator__Token"] = OperatorToken,
            });
            DemoKey = await served.DemoKeyAsync();
        }

        public async Task DisposeAsync()
        {
            if (served is not null)
            {
                await served.DisposeAsync();
            }

            if (database is not null)
            {
                await TestDatabase.DropAsync(database);
            }
        }
    }
}
