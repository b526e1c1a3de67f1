using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>The OCI distribution API under /v2/: authentication, uploads, mounts, manifests, tags and the base image.</summary>
[TestClass]
public sealed class RegistryTests
{
    [TestMethod]
    public async Task Chunked_and_monolithic_uploads_mounts_and_manifests_by_tag_and_digest()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        await local.Aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "shop/api" });
        using var http = await AuthorizedClientAsync(local);

        var layer = RandomNumberGenerator.GetBytes(300_000);
        var layerDigest = Digest(layer);
        using (var start = await http.PostAsync("/v2/shop/api/blobs/uploads/", null))
        {
            Assert.AreEqual(HttpStatusCode.Accepted, start.StatusCode);
            var location = start.Headers.Location!.ToString();
            var offset = 0;
            foreach (var size in new[] { 100_000, 100_000, 50_000 })
            {
                using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(layer, offset, size) };
                patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + size - 1}");
                using var patched = await http.SendAsync(patch);
                Assert.AreEqual(HttpStatusCode.Accepted, patched.StatusCode);
                Assert.AreEqual($"0-{offset + size - 1}", patched.Headers.GetValues("Range").Single());
                location = patched.Headers.Location!.ToString();
                offset += size;
            }

            using var wrongRange = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(layer, 0, 10) };
            wrongRange.Content.Headers.TryAddWithoutValidation("Content-Range", "0-9");
            using (var rejected = await http.SendAsync(wrongRange))
            {
                Assert.AreEqual(HttpStatusCode.RequestedRangeNotSatisfiable, rejected.StatusCode, "a chunk must continue where the upload is");
            }

            var separator = location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            using var put = await http.PutAsync($"{location}{separator}digest={layerDigest}", new ByteArrayContent(layer, offset, layer.Length - offset));
            Assert.AreEqual(HttpStatusCode.Created, put.StatusCode);
            Assert.AreEqual(layerDigest, put.Headers.GetValues("Docker-Content-Digest").Single());
        }

        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var configDigest = Digest(config);
        using (var monolithic = await http.PostAsync($"/v2/shop/api/blobs/uploads/?digest={configDigest}", new ByteArrayContent(config)))
        {
            Assert.AreEqual(HttpStatusCode.Created, monolithic.StatusCode);
        }

        using (var badDigest = await http.PostAsync($"/v2/shop/api/blobs/uploads/?digest={Digest([1, 2, 3])}", new ByteArrayContent(config)))
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, badDigest.StatusCode);
            StringAssert.Contains(await badDigest.Content.ReadAsStringAsync(), "DIGEST_INVALID");
        }

        // Cross-repository mount of a base image layer, as the .NET SDK does before pushing its own layer.
        var baseManifest = JsonNode.Parse(await http.GetStringAsync("/v2/localecs/base/manifests/latest"))!;
        var amd64 = baseManifest["manifests"]!.AsArray().First(m => m!["platform"]!["architecture"]!.GetValue<string>() == "amd64")!["digest"]!.GetValue<string>();
        var baseLayer = JsonNode.Parse(await http.GetStringAsync($"/v2/localecs/base/manifests/{amd64}"))!["layers"]![0]!["digest"]!.GetValue<string>();
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/shop/api/blobs/{baseLayer}"))
        using (var missing = await http.SendAsync(head))
        {
            Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode, "blobs belong to repositories until mounted");
        }

        using (var mount = await http.PostAsync($"/v2/shop/api/blobs/uploads/?mount={baseLayer}&from=localecs/base", null))
        {
            Assert.AreEqual(HttpStatusCode.Created, mount.StatusCode);
        }

        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = configDigest, ["size"] = config.Length },
            ["layers"] = new JsonArray(
                new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = baseLayer, ["size"] = 100 },
                new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = layerDigest, ["size"] = layer.Length }),
        }.ToJsonString());
        var manifestDigest = Digest(manifest);
        using (var content = new ByteArrayContent(manifest))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
            using var pushed = await http.PutAsync("/v2/shop/api/manifests/1.0.0", content);
            Assert.AreEqual(HttpStatusCode.Created, pushed.StatusCode);
            Assert.AreEqual(manifestDigest, pushed.Headers.GetValues("Docker-Content-Digest").Single());
        }

        using (var byDigest = await http.GetAsync($"/v2/shop/api/manifests/{manifestDigest}"))
        {
            Assert.AreEqual(HttpStatusCode.OK, byDigest.StatusCode);
            Assert.AreEqual("application/vnd.oci.image.manifest.v1+json", byDigest.Content.Headers.ContentType!.MediaType);
            CollectionAssert.AreEqual(manifest, await byDigest.Content.ReadAsByteArrayAsync());
        }

        CollectionAssert.AreEqual(layer, await http.GetByteArrayAsync($"/v2/shop/api/blobs/{layerDigest}"));
        var tags = JsonNode.Parse(await http.GetStringAsync("/v2/shop/api/tags/list"))!;
        Assert.AreEqual("1.0.0", tags["tags"]![0]!.GetValue<string>());
        var images = await local.Aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "shop/api" });
        Assert.AreEqual(manifestDigest, images["imageDetails"]![0]!["imageDigest"]!.GetValue<string>());
        Assert.AreEqual(100 + layer.Length, images["imageDetails"]![0]!["imageSizeInBytes"]!.GetValue<long>());

        using var unknownBlob = new ByteArrayContent(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest).Replace(layerDigest, Digest([9]), StringComparison.Ordinal)));
        unknownBlob.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var invalid = await http.PutAsync("/v2/shop/api/manifests/broken", unknownBlob);
        Assert.AreEqual(HttpStatusCode.BadRequest, invalid.StatusCode);
        StringAssert.Contains(await invalid.Content.ReadAsStringAsync(), "MANIFEST_BLOB_UNKNOWN");
    }

    [TestMethod]
    public async Task Pushes_need_a_valid_token_and_an_existing_repository()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        using (var anonymous = await local.Aws.Http.PostAsync("/v2/app/blobs/uploads/", null))
        {
            Assert.AreEqual(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            StringAssert.StartsWith(anonymous.Headers.WwwAuthenticate.ToString(), "Basic realm=");
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/v2/app/blobs/uploads/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:not-a-token")));
        using (var rejected = await local.Aws.Http.SendAsync(wrong))
        {
            Assert.AreEqual(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using var http = await AuthorizedClientAsync(local);
        using (var missing = await http.PostAsync("/v2/app/blobs/uploads/", null))
        {
            Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode, "ECR does not create repositories on push");
            StringAssert.Contains(await missing.Content.ReadAsStringAsync(), "NAME_UNKNOWN");
        }

        using var pull = await local.Aws.Http.GetAsync("/v2/localecs/base/manifests/latest");
        Assert.AreEqual(HttpStatusCode.OK, pull.StatusCode, "the base image can be pulled without credentials");
    }

    [TestMethod]
    public async Task Base_image_is_a_multi_arch_index_with_dotnet_environment_and_matching_diff_ids()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var http = local.Aws.Http;
        using var index = await http.GetAsync("/v2/localecs/base/manifests/latest");
        Assert.AreEqual("application/vnd.oci.image.index.v1+json", index.Content.Headers.ContentType!.MediaType);
        var indexDigest = index.Headers.GetValues("Docker-Content-Digest").Single();
        Assert.AreEqual(indexDigest, Digest(await index.Content.ReadAsByteArrayAsync()));
        var manifests = JsonNode.Parse(await index.Content.ReadAsStringAsync())!["manifests"]!.AsArray();
        CollectionAssert.AreEquivalent(new List<string> { "amd64", "arm64" }, manifests.Select(m => m!["platform"]!["architecture"]!.GetValue<string>()).ToList());
        foreach (var entry in manifests)
        {
            var manifest = JsonNode.Parse(await http.GetStringAsync($"/v2/localecs/base/manifests/{entry!["digest"]}"))!;
            var config = JsonNode.Parse(await http.GetStringAsync($"/v2/localecs/base/blobs/{manifest["config"]!["digest"]}"))!;
            var environment = config["config"]!["Env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            CollectionAssert.Contains(environment, "ASPNETCORE_HTTP_PORTS=8080");
            CollectionAssert.Contains(environment, "APP_UID=1654");
            Assert.IsTrue(environment.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)));
            var layer = await http.GetByteArrayAsync($"/v2/localecs/base/blobs/{manifest["layers"]![0]!["digest"]}");
            using var gzip = new GZipStream(new MemoryStream(layer), CompressionMode.Decompress);
            using var tar = new MemoryStream();
            await gzip.CopyToAsync(tar);
            Assert.AreEqual(Digest(tar.ToArray()), config["rootfs"]!["diff_ids"]![0]!.GetValue<string>());
            tar.Position = 0;
            using var reader = new TarReader(tar);
            Assert.IsNotNull(await reader.GetNextEntryAsync(), "the layer holds a file");
        }

        using var byDigest = await http.GetAsync($"/v2/localecs/base/manifests/{indexDigest}");
        Assert.AreEqual(HttpStatusCode.OK, byDigest.StatusCode);
    }

    internal static Task<HttpClient> AuthorizedClientAsync(LiveLocalEcs local) => AuthorizedClientAsync(local.Server);

    internal static async Task<HttpClient> AuthorizedClientAsync(LocalEcsServer server)
    {
        using var aws = new AwsClient(server.BaseUrl);
        var token = (await aws.JsonAsync("ecr", "GetAuthorizationToken"))["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        var http = new HttpClient { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        return http;
    }

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
