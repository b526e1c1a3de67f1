using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.Dashboard.Tests.Support;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.Dashboard.Tests;

/// <summary>How LocalEcs serves its dashboard: where, to whom, and that it changes nothing.</summary>
[TestClass]
public sealed class DashboardServingTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Page_script_and_styles_are_served_from_the_assembly_with_a_strict_policy()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var http = session.Aws.Http;
        foreach (var path in new[] { "/", "/_localecs/dashboard", "/_localecs/dashboard/" })
        {
            using var page = await http.GetAsync(path);
            Assert.AreEqual(HttpStatusCode.OK, page.StatusCode, path);
            Assert.AreEqual("text/html", page.Content.Headers.ContentType?.MediaType, path);
            var html = await page.Content.ReadAsStringAsync();
            StringAssert.Contains(html, "<title>LocalEcs</title>");
            StringAssert.Contains(html, $"<meta name=\"localecs-control-header\" content=\"{RequestGuard.ControlHeader}\">", "the page learns the control header from the server");
            var policy = page.Headers.GetValues("Content-Security-Policy").Single();
            StringAssert.Contains(policy, "script-src 'self'");
            StringAssert.Contains(policy, "frame-ancestors 'none'", "no other page may frame the fault buttons");
            Assert.AreEqual("DENY", page.Headers.GetValues("X-Frame-Options").Single());
            Assert.AreEqual("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        }

        using var script = await http.GetAsync("/_localecs/dashboard/dashboard.js");
        Assert.AreEqual("text/javascript", script.Content.Headers.ContentType?.MediaType);
        StringAssert.Contains(await script.Content.ReadAsStringAsync(), "'use strict'");
        using var styles = await http.GetAsync("/_localecs/dashboard/dashboard.css");
        Assert.AreEqual("text/css", styles.Content.Headers.ContentType?.MediaType);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/_localecs/dashboard/dashboard.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        using var notModified = await http.SendAsync(again);
        Assert.AreEqual(HttpStatusCode.NotModified, notModified.StatusCode, "unchanged assets are revalidated, not resent");

        using var unknown = await http.GetAsync("/_localecs/dashboard/nothing.js");
        Assert.AreEqual(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [TestMethod]
    public async Task Page_and_data_are_refused_to_host_names_that_are_not_loopback()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var http = session.Aws.Http;
        foreach (var (host, expected) in new[]
        {
            ("attacker.example", HttpStatusCode.Forbidden),
            ("localhost.attacker.example", HttpStatusCode.Forbidden),
            ("10.0.0.5", HttpStatusCode.Forbidden),
            ("127.0.0.1", HttpStatusCode.OK),
            ("[::1]", HttpStatusCode.OK),
            ("localhost", HttpStatusCode.OK),
        })
        {
            foreach (var path in new[] { "/", "/_localecs/dashboard/api/overview" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = $"{host}:{session.Server.Port}";
                request.Headers.TryAddWithoutValidation(RequestGuard.ControlHeader, RequestGuard.ControlHeaderValue);
                using var response = await http.SendAsync(request);
                Assert.AreEqual(expected, response.StatusCode, $"{host} {path}");
            }
        }
    }

    [TestMethod]
    public async Task Data_is_for_the_pages_own_script_only()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var http = session.Aws.Http;
        var origin = $"http://localhost:{session.Server.Port}";

        async Task<HttpStatusCode> GetAsync(params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_localecs/dashboard/api/overview");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var header = (RequestGuard.ControlHeader, RequestGuard.ControlHeaderValue);
        Assert.AreEqual(HttpStatusCode.Forbidden, await GetAsync(), "without the control header (what a cross-origin page can send)");
        Assert.AreEqual(HttpStatusCode.Forbidden, await GetAsync((RequestGuard.ControlHeader, string.Empty)));
        Assert.AreEqual(HttpStatusCode.Forbidden, await GetAsync(header, ("Sec-Fetch-Site", "cross-site")));
        Assert.AreEqual(HttpStatusCode.Forbidden, await GetAsync(header, ("Origin", "http://attacker.example")));
        Assert.AreEqual(HttpStatusCode.OK, await GetAsync(header));
        Assert.AreEqual(HttpStatusCode.OK, await GetAsync(header, ("Sec-Fetch-Site", "same-origin"), ("Origin", origin)));
    }

    [TestMethod]
    public async Task Dashboard_is_read_only_and_leaves_AWS_requests_to_the_APIs()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var http = session.Aws.Http;
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/_localecs/dashboard/api/overview");
            request.Headers.TryAddWithoutValidation(RequestGuard.ControlHeader, RequestGuard.ControlHeaderValue);
            using var response = await http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode, method.Method);
        }

        // AWS requests to / keep reaching the APIs: signed, targeted, Query with an Action, or anything but GET.
        var clusters = await session.Aws.EcsAsync("ListClusters");
        Assert.IsNotNull(clusters["clusterArns"]);
        var vpcs = await session.Aws.QueryAsync("ec2", "DescribeVpcs", "2016-11-15");
        Assert.IsNotNull(vpcs);
        using var queryGet = await http.GetAsync("/?Action=GetCallerIdentity&Version=2011-06-15");
        Assert.AreEqual("MissingAuthenticationToken", await ErrorCodeAsync(queryGet), "an unsigned Query GET is an AWS request (answered as the Query APIs answer it), not the page");
        using var unsignedPost = await http.PostAsync("/", new StringContent("Action=ListClusters", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.AreNotEqual("text/html", unsignedPost.Content.Headers.ContentType?.MediaType);
    }

    [TestMethod]
    public async Task Route_53_weighted_records_show_each_set_identifiers_share_and_the_change_status()
    {
        await using var session = await DashboardSession.StartAsync(TestContext);
        var aws = session.Aws;
        var zone = await Route53Scenario.ZoneAsync(aws, "example.com");
        await Route53Scenario.ZoneAsync(aws, "quiet.example");
        await Route53Scenario.ChangeAsync(aws, zone,
            Route53Scenario.Weighted("CREATE", "api.example.com", "blue", 90, "blue.example.com"),
            Route53Scenario.Weighted("CREATE", "api.example.com", "green", 10, "green.example.com"));

        JsonObject Section(JsonObject overview) => overview["sections"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "route53")!.AsObject();
        var section = Section(await session.ApiAsync("overview"));
        var rows = section["rows"]!.AsArray();
        Assert.HasCount(2, rows, "one row for the weighted name, one for the zone without weighted records");
        var api = rows.Single(r => r!["cells"]![1]?.ToJsonString().Contains("api.example.com", StringComparison.Ordinal) == true)!;
        var shares = api["cells"]![4]!["weights"]!.AsArray().ToDictionary(w => w!["label"]!.GetValue<string>(), w => w!["weight"]!.GetValue<double>());
        Assert.AreEqual(90, shares["blue"]);
        Assert.AreEqual(10, shares["green"]);
        Assert.AreEqual("PENDING", api["cells"]![6]!["text"]!.GetValue<string>(), "the change has not propagated yet");

        session.Advance(TimeSpan.FromMinutes(2));
        api = Section(await session.ApiAsync("overview"))["rows"]!.AsArray().Single(r => r!["cells"]![1]?.ToJsonString().Contains("api.example.com", StringComparison.Ordinal) == true)!;
        Assert.AreEqual("INSYNC", api["cells"]![6]!["text"]!.GetValue<string>());
    }

    [TestMethod]
    [DataRow("localhost", true)]
    [DataRow("LOCALHOST", true)]
    [DataRow("localhost.", false)]
    [DataRow("app.localhost", true)]
    [DataRow("127.0.0.1", true)]
    [DataRow("127.1.2.3", true)]
    [DataRow("[::1]", true)]
    [DataRow("127.1", false)]
    [DataRow("2130706433", false)]
    [DataRow("localhost.example", false)]
    [DataRow("example.com", false)]
    [DataRow("0.0.0.0", false)]
    [DataRow("[::ffff:10.0.0.1]", false)]
    [DataRow("", false)]
    public void Loopback_host_names(string host, bool loopback) =>
        Assert.AreEqual(loopback, RequestGuard.IsLoopbackName(new HostString(host, 4599).Host), host);

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)?["__type"]?.GetValue<string>()
            : System.Xml.Linq.XDocument.Parse(text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
    }
}
