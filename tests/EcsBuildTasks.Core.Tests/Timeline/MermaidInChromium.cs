using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests.Timeline;

/// <summary>What Mermaid made of a chart in the browser: whether it parsed, the error if not, and the texts of the SVG it drew.</summary>
internal sealed record MermaidRendering(bool Parsed, string? Error, IReadOnlyList<string> Texts);

/// <summary>
/// Renders a Mermaid chart the way GitHub's Markdown does, with Mermaid's own JavaScript (the npm package
/// <c>mermaid</c>, fetched by <c>.ci/run</c>; <c>ECS_MERMAID_JS</c> names another copy) in the system's headless
/// Chromium (Debian's <c>chromium</c>, as the dashboard's browser tests use; <c>ECS_CHROMIUM</c> names another). No
/// network: the page and the script are local files.
/// </summary>
internal static partial class MermaidInChromium
{
    /// <summary>The Mermaid release <c>.ci/run</c> fetches (npm pack) into the cache folder below.</summary>
    public const string Version = "11.17.2";

    public static string? ScriptPath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("ECS_MERMAID_JS");
            if (!string.IsNullOrEmpty(configured))
            {
                return File.Exists(configured) ? configured : null;
            }

            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            var path = Path.Combine(cache, "ecsbuildtasks", $"mermaid-{Version}", "package", "dist", "mermaid.min.js");
            return File.Exists(path) ? path : null;
        }
    }

    public static string? ChromiumPath
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

    /// <summary>The chart of the first <c>```mermaid</c> block of <paramref name="markdown"/>.</summary>
    public static string ChartIn(string markdown)
    {
        var match = MermaidBlock().Match(markdown);
        Assert.IsTrue(match.Success, $"no ```mermaid block in:\n{markdown}");
        return match.Groups["chart"].Value;
    }

    public static MermaidRendering Render(string chart)
    {
        var script = ScriptPath;
        if (script is null)
        {
            Peers.Missing($"Mermaid's JavaScript (.ci/run fetches it with npm pack mermaid@{Version}, or set ECS_MERMAID_JS=/path/to/mermaid.min.js)");
        }

        var chromium = ChromiumPath;
        if (chromium is null)
        {
            Peers.Missing("Chromium (apt-get install chromium, or ECS_CHROMIUM=/path/to/chromium)");
        }

        var directory = Directory.CreateTempSubdirectory("ecs-mermaid-").FullName;
        try
        {
            var page = Path.Combine(directory, "chart.html");
            File.WriteAllText(page, $$"""
                <!DOCTYPE html>
                <html><body><pre id="result">pending</pre>
                <script src="{{new Uri(script!).AbsoluteUri}}"></script>
                <script>
                const chart = {{JsonSerializer.Serialize(chart)}};
                const result = document.getElementById('result');
                mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
                (async () => {
                  try {
                    await mermaid.parse(chart);
                    const { svg } = await mermaid.render('chart', chart);
                    const drawn = new DOMParser().parseFromString(svg, 'image/svg+xml');
                    result.textContent = JSON.stringify({ parsed: true, texts: [...drawn.querySelectorAll('text')].map(t => t.textContent.trim()) });
                  } catch (e) {
                    result.textContent = JSON.stringify({ parsed: false, error: String(e && e.message || e) });
                  }
                })();
                </script></body></html>
                """);
            var run = ProcessRunner.Run(chromium!, [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(directory, "profile")}",
                "--virtual-time-budget=20000", "--dump-dom", new Uri(page).AbsoluteUri], timeout: TimeSpan.FromMinutes(2));
            var dumped = ResultElement().Match(run.StandardOutput);
            Assert.IsTrue(dumped.Success, $"Chromium printed no result:\n{run}");
            Assert.AreNotEqual("pending", dumped.Groups["json"].Value, "Mermaid did not finish in the page");
            var json = JsonDocument.Parse(WebUtility.HtmlDecode(dumped.Groups["json"].Value)).RootElement;
            return new MermaidRendering(
                json.GetProperty("parsed").GetBoolean(),
                json.TryGetProperty("error", out var error) ? error.GetString() : null,
                json.TryGetProperty("texts", out var texts) ? [.. texts.EnumerateArray().Select(t => t.GetString() ?? string.Empty)] : []);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex("```mermaid\\n(?<chart>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex("<pre id=\"result\">(?<json>[^<]*)</pre>")]
    private static partial Regex ResultElement();
}
