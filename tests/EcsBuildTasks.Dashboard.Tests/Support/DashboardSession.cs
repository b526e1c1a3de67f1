using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace EcsBuildTasks.Dashboard.Tests.Support;

/// <summary>
/// LocalEcs in-process on simulated time (a <see cref="FakeTimeProvider"/>, no background loop: the test moves time,
/// the page follows by polling), and a browser page on its dashboard. Deterministic: what the page shows depends only on
/// how far the test advanced the simulation.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>Set to 1 to (re)write the dashboard screenshots in <c>docs/</c>; normal runs leave the committed files alone.</summary>
    public const string ScreenshotVariable = "ECS_DASHBOARD_SCREENSHOTS";

    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TestContext testContext;
    private IBrowserContext? browserContext;

    private DashboardSession(LocalEcsServer server, FakeTimeProvider time, TestContext testContext)
    {
        Server = server;
        Time = time;
        Aws = new AwsClient(server.BaseUrl);
        this.testContext = testContext;
    }

    public LocalEcsServer Server { get; }

    public FakeTimeProvider Time { get; }

    public AwsClient Aws { get; }

    public string Registry => Server.RegistryHost;

    public IPage Page { get; private set; } = null!;

    public static async Task<DashboardSession> StartAsync(TestContext testContext)
    {
        var time = new FakeTimeProvider(Start);
        var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 1, TimeProvider = time, RunSimulationLoop = false });
        return new DashboardSession(server, time, testContext);
    }

    /// <summary>Opens the dashboard where a user would: <c>http://localhost:&lt;port&gt;/</c>.</summary>
    public async Task<IPage> OpenAsync()
    {
        var browser = await Chromium.BrowserAsync();
        browserContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1080 } });
        browserContext.SetDefaultTimeout(15_000);
        Page = await browserContext.NewPageAsync();
        var response = await Page.GotoAsync(Server.BaseUrl.ToString());
        Assert.AreEqual(200, response?.Status, "the dashboard answers at /");
        return Page;
    }

    /// <summary>Moves simulated time forward one second at a time, stepping the simulation after each.</summary>
    public void Advance(TimeSpan by)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += TimeSpan.FromSeconds(1))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            Server.Runtime.Engine.RunDue();
        }
    }

    /// <summary>Advances until <paramref name="done"/> holds (checked every <paramref name="every"/>); fails after <paramref name="limit"/>.</summary>
    public async Task AdvanceUntilAsync(Func<Task<bool>> done, TimeSpan limit, string what, TimeSpan? every = null)
    {
        var step = every ?? TimeSpan.FromSeconds(5);
        for (var elapsed = TimeSpan.Zero; elapsed <= limit; elapsed += step)
        {
            if (await done())
            {
                return;
            }

            Advance(step);
        }

        Assert.Fail($"Not reached within {limit} of simulated time: {what}");
    }

    /// <summary>The latest service deployment's status, through the ECS API.</summary>
    public async Task<string> DeploymentStatusAsync(string cluster, string service) =>
        (await Scenario.LatestServiceDeploymentAsync(Aws, cluster, service))["status"]!.GetValue<string>();

    /// <summary>GETs dashboard data as the page does (same origin, with the control header).</summary>
    public async Task<JsonObject> ApiAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_localecs/dashboard/api/" + pathAndQuery);
        request.Headers.TryAddWithoutValidation(RequestGuard.ControlHeader, RequestGuard.ControlHeaderValue);
        using var response = await Aws.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The dashboard's live view of a service (its latest deployment unless one is named).</summary>
    public async Task<JsonObject> ServiceViewAsync(string cluster, string service, string? deploymentArn = null)
    {
        var arn = (await Scenario.ServiceAsync(Aws, cluster, service))["serviceArn"]!.GetValue<string>();
        return await ApiAsync($"service?arn={Uri.EscapeDataString(arn)}" + (deploymentArn is null ? string.Empty : $"&deployment={Uri.EscapeDataString(deploymentArn)}"));
    }

    /// <summary>Saves the page as <c>docs/&lt;name&gt;.png</c> when <see cref="ScreenshotVariable"/> asks for it.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable(ScreenshotVariable) != "1")
        {
            return;
        }

        var path = Path.Combine(Peers.RepositoryRoot, "docs", name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        testContext.WriteLine("Screenshot: " + path);
    }

    public async ValueTask DisposeAsync()
    {
        if (browserContext is not null)
        {
            if (testContext.CurrentTestOutcome != UnitTestOutcome.Passed && Page is not null)
            {
                // What the page showed when the test failed, next to the test results.
                var path = Path.Combine(testContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"dashboard-{testContext.TestName}.png");
                await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                testContext.AddResultFile(path);
            }

            await browserContext.CloseAsync();
        }

        Aws.Dispose();
        await Server.DisposeAsync();
    }
}
