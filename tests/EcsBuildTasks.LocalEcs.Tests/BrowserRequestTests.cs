using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// What a web page in the user's browser can make the browser send to LocalEcs on localhost: simple cross-origin POSTs
/// (a <c>text/plain</c> fetch, a form), image URLs with credentials in the query, requests after DNS rebinding its own
/// domain to 127.0.0.1. None of them changes anything, and LocalEcs keeps answering its real clients.
/// </summary>
[TestClass]
public sealed class BrowserRequestTests
{
    [TestMethod]
    public async Task A_cross_origin_text_plain_POST_cannot_reset_the_state()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        await Scenario.ClusterAsync(local.Aws, "kept");

        // What fetch("http://localhost:4599/_localecs/reset", {method: "POST", mode: "no-cors", body: "x"}) sends.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/_localecs/reset") { Content = new StringContent("x", Encoding.UTF8, "text/plain") })
        {
            request.Headers.Add("Origin", "http://evil.example");
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            request.Headers.Add("Sec-Fetch-Mode", "no-cors");
            using var response = await local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.IsFalse(response.Headers.Contains("Access-Control-Allow-Origin"));
        }

        // A form POST from a page on another local port (same site, other origin), and an old browser sending neither header:
        // the control API still needs its header.
        foreach (var (origin, site) in new[] { ("http://localhost:3000", "same-site"), (null, null) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/_localecs/reset") { Content = new StringContent("a=b", Encoding.UTF8, "application/x-www-form-urlencoded") };
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
                request.Headers.Add("Sec-Fetch-Site", site);
            }

            using var response = await local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), origin is null ? LocalEcsServer.ControlHeader : "web page");
        }

        // The preflight a page needs before it may add the control header: refused, with no CORS permission.
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, "/_localecs/reset"))
        {
            preflight.Headers.Add("Origin", "http://evil.example");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "localecs-control");
            using var response = await local.Aws.Http.SendAsync(preflight);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.IsFalse(response.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.IsFalse(response.Headers.Contains("Access-Control-Allow-Headers"));
        }

        // LocalEcs's own page (the dashboard) is same-origin: its Origin is accepted, and its control calls still need the header.
        var own = local.Aws.Http.BaseAddress!;
        foreach (var (header, expected) in new[] { (false, HttpStatusCode.Forbidden), (true, HttpStatusCode.OK) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_localecs/health");
            request.Headers.Add("Origin", $"{own.Scheme}://{own.Authority}");
            request.Headers.Add("Sec-Fetch-Site", "same-origin");
            if (header)
            {
                request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            }

            using var response = await local.Aws.Http.SendAsync(request);
            Assert.AreEqual(expected, response.StatusCode, $"same-origin, {(header ? "with" : "without")} the control header");
        }

        using (var otherPort = new HttpRequestMessage(HttpMethod.Get, "/_localecs/health"))
        {
            otherPort.Headers.Add("Origin", $"{own.Scheme}://{own.Host}:{own.Port + 1}");
            otherPort.Headers.Add(LocalEcsServer.ControlHeader, "1");
            using var response = await local.Aws.Http.SendAsync(otherPort);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, "a page on another port of this machine is another origin");
        }

        Assert.AreEqual(1, (await local.Aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count, "the state was not reset");
        var (status, _) = await local.Aws.ControlAsync(HttpMethod.Post, "reset");
        Assert.AreEqual(HttpStatusCode.OK, status, "with its header the control API works");
        Assert.AreEqual(0, (await local.Aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count);
    }

    [TestMethod]
    public async Task Only_loopback_host_names_are_answered_so_DNS_rebinding_reaches_nothing()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var port = local.Server.Port;
        foreach (var host in new[] { $"evil.example:{port}", $"localhost.evil.example:{port}", $"192.168.1.20:{port}", $"localhost.:{port}" })
        {
            foreach (var path in new[] { "/", "/_localecs/state", "/v2/" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = host;
                request.Headers.Add(LocalEcsServer.ControlHeader, "1");
                using var response = await local.Aws.Http.SendAsync(request);
                Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, $"{host}{path}");
                StringAssert.Contains(await response.Content.ReadAsStringAsync(), "loopback");
            }
        }

        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}", $"registry.localhost:{port}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_localecs/health");
            request.Headers.Host = host;
            request.Headers.Add(LocalEcsServer.ControlHeader, "1");
            using var response = await local.Aws.Http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, host);
        }
    }

    [TestMethod]
    public async Task Credentials_in_a_query_URL_create_nothing()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (subnets, _, vpc) = await Scenario.DefaultNetworkAsync(local.Aws);

        // An image tag on a page: <img src="http://localhost:4599/?Action=CreateTargetGroup&…&X-Amz-Credential=…">.
        var url = $"/?Action=CreateTargetGroup&Version=2015-12-01&Name=planted&Protocol=HTTP&Port=80&VpcId={vpc}"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Felasticloadbalancing%2Faws4_request"
            + "&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + new string('0', 64);
        using (var response = await local.Aws.Http.GetAsync(url))
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "credentials in the URL");
        }

        using (var form = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("Action=CreateTargetGroup", Encoding.ASCII, "application/x-www-form-urlencoded") })
        {
            using var response = await local.Aws.Http.SendAsync(form);
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var groups = await local.Aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion);
        Assert.IsFalse(groups.All("TargetGroupName").Any(), "nothing was created");
        Assert.IsNotNull(subnets);
    }
}
