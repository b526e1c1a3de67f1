using EcsBuildTasks.Testing;
using Microsoft.Playwright;

namespace EcsBuildTasks.Dashboard.Tests.Support;

/// <summary>
/// One headless Chromium for the whole test run, driven by Playwright. It is the system's browser (Debian's
/// <c>chromium</c>, installed by <c>.ci/run</c>; <c>ECS_CHROMIUM</c> names another): Playwright's own browser downloads
/// are neither wanted nor possible here, and its bundled driver (node and the Playwright package, copied to the output
/// directory by the NuGet package) needs nothing else. Missing Chromium makes the browser tests Inconclusive, or a
/// failure with <c>ECS_REQUIRE_PEERS=1</c>.
/// </summary>
[TestClass]
public static class Chromium
{
    /// <summary>The flags this sandbox needs: root without a sandbox, no GPU, and no background traffic to Google's hosts.</summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? playwright;
    private static IBrowser? browser;

    public static string? ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("ECS_CHROMIUM");
            if (!string.IsNullOrEmpty(configured))
            {
                return File.Exists(configured) ? configured : null;
            }

            return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        }
    }

    /// <summary>The shared browser, launched on first use; ends the test through <see cref="Peers.Missing"/> when there is none.</summary>
    public static async Task<IBrowser> BrowserAsync()
    {
        var path = ExecutablePath;
        if (path is null)
        {
            Peers.Missing("Chromium (apt-get install chromium, or ECS_CHROMIUM=/path/to/chromium)");
        }

        await Gate.WaitAsync();
        try
        {
            if (browser is { IsConnected: true })
            {
                return browser;
            }

            playwright ??= await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = Flags,
                Timeout = 60_000,
            });
            return browser;
        }
        finally
        {
            Gate.Release();
        }
    }

    [AssemblyCleanup]
    public static async Task CloseAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
    }
}
