using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// LocalEcs's memory stays bounded whatever a client sends, shown on its own process's peak resident memory (Linux's
/// VmHWM) without the test allocating much itself: a body streamed far past its limit, a layer streamed into the
/// registry, a Query list index of twenty million.
/// </summary>
[TestClass]
public sealed class MemoryBoundTests
{
    private const long MiB = 1024 * 1024;

    [TestMethod]
    public async Task A_JSON_body_streamed_without_end_is_cut_off_at_the_limit()
    {
        LocalEcsProcess.RequireLinux("Reads the process's peak memory from /proc.");
        await using var local = await LocalEcsProcess.StartAsync();
        await local.AssertStillAnswersAsync("start");
        var before = local.PeakResidentBytes();
        var (status, text, sent) = await RawHttp.StreamAsync(local.Port, $"""
            POST / HTTP/1.1
            Host: localhost:{local.Port}
            X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters
            Content-Type: application/x-amz-json-1.1
            """, 256 * MiB);
        Assert.AreEqual(413, status, text);
        Assert.IsTrue(sent < 256 * MiB, $"LocalEcs stopped reading after {sent / MiB} MiB");
        var growth = local.PeakResidentBytes() - before;
        Assert.IsTrue(growth < 48 * MiB, $"peak memory grew by {growth / MiB} MiB for a body cut off at 4 MiB");
        await local.AssertStillAnswersAsync("an endless body");
    }

    [TestMethod]
    public async Task A_layer_pushed_to_the_registry_is_streamed_to_disk_not_held_in_memory()
    {
        LocalEcsProcess.RequireLinux("Reads the process's peak memory from /proc.");
        var folder = Directory.CreateTempSubdirectory("localecs-blob-").FullName;
        try
        {
            await using var local = await LocalEcsProcess.StartAsync("--state-file", Path.Combine(folder, "state.json"));
            await local.Aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "big" });
            using var http = new HttpClient { BaseAddress = local.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", await HostileRequestTests.RegistryBasicAsync(local.Aws));
            await local.AssertStillAnswersAsync("start");
            var before = local.PeakResidentBytes();

            using var start = await http.PostAsync("/v2/big/blobs/uploads/", null);
            Assert.AreEqual(HttpStatusCode.Accepted, start.StatusCode);
            var location = start.Headers.Location!.ToString();
            const long size = 256 * MiB;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var part in new[] { 0, 1 })
            {
                using var chunk = new StreamContent(new PatternStream(size / 2, part, hash));
                chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
                using var patched = await http.SendAsync(patch);
                Assert.AreEqual(HttpStatusCode.Accepted, patched.StatusCode, await patched.Content.ReadAsStringAsync());
                location = patched.Headers.Location!.ToString();
            }

            var digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            using var done = await http.PutAsync($"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}digest={digest}", null);
            Assert.AreEqual(HttpStatusCode.Created, done.StatusCode, await done.Content.ReadAsStringAsync());
            var growth = local.PeakResidentBytes() - before;
            Assert.IsTrue(growth < 96 * MiB, $"peak memory grew by {growth / MiB} MiB while a {size / MiB} MiB layer was pushed");
            Assert.AreEqual(size, new FileInfo(Path.Combine(folder, "state.json.blobs", "sha256", digest[7..])).Length, "the layer is on disk");

            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/big/blobs/{digest}"));
            Assert.AreEqual(HttpStatusCode.OK, head.StatusCode);
            Assert.AreEqual(size, head.Content.Headers.ContentLength);
            await local.AssertStillAnswersAsync("a large push");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_Query_list_index_of_twenty_million_allocates_nothing()
    {
        LocalEcsProcess.RequireLinux("Reads the process's resident memory from /proc.");
        await using var local = await LocalEcsProcess.StartAsync();
        await local.AssertStillAnswersAsync("start");
        var before = local.PeakResidentBytes();
        for (var i = 0; i < 20; i++)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion, ("Names.member.20000000", "x")));
            Assert.AreEqual("MalformedQueryString", error.Code);
            StringAssert.Contains(error.AwsMessage, "20000000");
        }

        var growth = local.PeakResidentBytes() - before;
        Assert.IsTrue(growth < 32 * MiB, $"peak memory grew by {growth / MiB} MiB for twenty 70-byte requests");

        // The largest index allowed is one entry, not ten thousand: lists are sparse until parsed.
        var names = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", Scenario.ElbVersion, ("Names.member.10000", "ghost")));
        Assert.AreEqual("LoadBalancerNotFound", names.Code, "one name asked for, and not found");
        await local.AssertStillAnswersAsync("huge list indexes");
    }

    /// <summary>A deterministic, never-materialized body: <paramref name="length"/> bytes of a pattern, hashed as they are read.</summary>
    private sealed class PatternStream(long length, int seed, IncrementalHash hash) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - position);
            for (var i = 0; i < n; i++)
            {
                var at = position + i;
                buffer[offset + i] = (byte)((at * 31) ^ (at >> 11) ^ seed);
            }

            hash.AppendData(buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
