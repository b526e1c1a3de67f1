using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Registry;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecr;

/// <summary>
/// The ECR API (JSON 1.1) over the repositories the <c>/v2/</c> registry serves. Repository URIs and the proxy endpoint
/// are <c>localhost:&lt;port&gt;</c>, which the .NET SDK treats as an insecure registry (HTTP).
/// </summary>
internal sealed partial class EcrApi(LocalEcsRuntime runtime) : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "CreateRepository",
        "DescribeRepositories",
        "DeleteRepository",
        "GetAuthorizationToken",
        "DescribeImages",
        "ListImages",
        "BatchGetImage",
        "BatchDeleteImage",
        "PutImageTagMutability",
        "PutLifecyclePolicy",
        "GetLifecyclePolicy",
        "DeleteLifecyclePolicy",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
        "BatchCheckLayerAvailability",
    ];

    public string SigningName => "ecr";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var input = request.Input;
        var repositories = request.Account.Repositories;
        switch (request.Operation)
        {
            case "GetAuthorizationToken":
            {
                var (password, expiresAt) = runtime.Credentials.Issue(request.Now, runtime.RealTime.GetUtcNow(), request.AccessKeyId);
                return new JsonObject
                {
                    ["authorizationData"] = new JsonArray(new JsonObject
                    {
                        ["authorizationToken"] = RegistryCredentials.Encode(password),
                        ["expiresAt"] = AwsValues.Timestamp(expiresAt),
                        ["proxyEndpoint"] = "http://" + runtime.RegistryHost,
                    }),
                };
            }

            case "CreateRepository":
            {
                var name = input.Str("repositoryName") ?? throw Invalid("repositoryName", "null", "Member must not be null");
                if (!RepositoryNamePattern().IsMatch(name) || name.Length < 2 || name.Length > 256)
                {
                    throw Invalid("repositoryName", name, "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'");
                }

                if (repositories.ContainsKey(name))
                {
                    throw new AwsServiceException("RepositoryAlreadyExistsException", $"The repository with name '{name}' already exists in the registry with id '{Account.Id}'");
                }

                var mutability = input.Str("imageTagMutability") ?? "MUTABLE";
                if (mutability is not ("MUTABLE" or "IMMUTABLE" or "IMMUTABLE_WITH_EXCLUSION" or "MUTABLE_WITH_EXCLUSION"))
                {
                    throw Invalid("imageTagMutability", mutability, "Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]");
                }

                var repository = new EcrRepository
                {
                    Name = name,
                    Arn = $"arn:aws:ecr:{request.Region}:{Account.Id}:repository/{name}",
                    CreatedAt = request.Now,
                    ImageTagMutability = mutability,
                    ScanOnPush = input.Obj("imageScanningConfiguration")?.Bool("scanOnPush") ?? false,
                    EncryptionType = input.Obj("encryptionConfiguration")?.Str("encryptionType") ?? "AES256",
                    KmsKey = input.Obj("encryptionConfiguration")?.Str("kmsKey"),
                    Tags = input.CloneArr("tags") ?? [],
                };
                repositories[name] = repository;
                return new JsonObject { ["repository"] = Render(repository) };
            }

            case "DescribeRepositories":
            {
                var names = input.Strings("repositoryNames").ToList();
                foreach (var name in names.Where(n => !repositories.ContainsKey(n)))
                {
                    throw NotFound(name);
                }

                var selected = (names.Count > 0 ? names.Select(n => repositories[n]) : repositories.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
                    .Select(r => (JsonNode?)Render(r)).ToList();
                return Page(selected, "repositories");
            }

            case "DeleteRepository":
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                if (repository.Images.Count > 0 && input.Bool("force") != true)
                {
                    throw new AwsServiceException("RepositoryNotEmptyException", $"The repository with name '{repository.Name}' in registry with id '{Account.Id}' cannot be deleted because it still contains images");
                }

                repositories.Remove(repository.Name);
                return new JsonObject { ["repository"] = Render(repository) };
            }

            case "DescribeImages":
                return DescribeImages(input, repositories);
            case "ListImages":
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                var tagged = input.Obj("filter")?.Str("tagStatus");
                var ids = repository.Images.Values
                    .SelectMany(i => TagsOf(repository, i.Digest) is { Count: > 0 } tags
                        ? tags.Select(t => (Digest: i.Digest, Tag: (string?)t))
                        : [(Digest: i.Digest, Tag: (string?)null)])
                    .Where(x => tagged is null or "ANY" || (tagged == "TAGGED") == (x.Tag is not null))
                    .Select(x => (JsonNode?)new JsonObject { ["imageDigest"] = x.Digest }.Put("imageTag", x.Tag))
                    .ToList();
                return Page(ids, "imageIds");
            }

            case "BatchGetImage":
                return BatchGetImage(input, repositories);
            case "BatchDeleteImage":
                return BatchDeleteImage(input, repositories);
            case "PutImageTagMutability":
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                repository.ImageTagMutability = input.Str("imageTagMutability") ?? repository.ImageTagMutability;
                return new JsonObject { ["registryId"] = Account.Id, ["repositoryName"] = repository.Name, ["imageTagMutability"] = repository.ImageTagMutability };
            }

            case "PutLifecyclePolicy":
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                var text = input.Str("lifecyclePolicyText") ?? throw Invalid("lifecyclePolicyText", "null", "Member must not be null");
                try
                {
                    _ = JsonNode.Parse(text);
                }
                catch (System.Text.Json.JsonException)
                {
                    throw new AwsServiceException("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: Could not map policyString into LifecyclePolicy.'");
                }

                repository.LifecyclePolicyText = text;
                return new JsonObject { ["registryId"] = Account.Id, ["repositoryName"] = repository.Name, ["lifecyclePolicyText"] = text };
            }

            case "GetLifecyclePolicy":
            case "DeleteLifecyclePolicy":
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                var text = repository.LifecyclePolicyText ?? throw new AwsServiceException("LifecyclePolicyNotFoundException", $"Lifecycle policy does not exist for the repository with name '{repository.Name}' in the registry with id '{Account.Id}'");
                if (request.Operation == "DeleteLifecyclePolicy")
                {
                    repository.LifecyclePolicyText = null;
                }

                return new JsonObject { ["registryId"] = Account.Id, ["repositoryName"] = repository.Name, ["lifecyclePolicyText"] = text, ["lastEvaluatedAt"] = AwsValues.Timestamp(request.Now) };
            }

            case "TagResource":
            {
                var repository = FindByArn(repositories, input.Str("resourceArn"));
                foreach (var tag in input.Objects("tags"))
                {
                    RemoveTag(repository.Tags, tag.Str("Key"));
                    repository.Tags.Add(tag.DeepClone());
                }

                return new JsonObject();
            }

            case "UntagResource":
            {
                var repository = FindByArn(repositories, input.Str("resourceArn"));
                foreach (var key in input.Strings("tagKeys"))
                {
                    RemoveTag(repository.Tags, key);
                }

                return new JsonObject();
            }

            case "ListTagsForResource":
                return new JsonObject { ["tags"] = FindByArn(repositories, input.Str("resourceArn")).Tags.DeepClone() };
            default:
            {
                var repository = Find(repositories, input.Str("repositoryName"));
                var layers = new JsonArray();
                var failures = new JsonArray();
                foreach (var digest in input.Strings("layerDigests"))
                {
                    if (repository.Blobs.Contains(digest) && runtime.Blobs.Size(digest) is { } size)
                    {
                        layers.Add(new JsonObject { ["layerDigest"] = digest, ["layerAvailability"] = "AVAILABLE", ["layerSize"] = size, ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip" });
                    }
                    else
                    {
                        failures.Add(new JsonObject { ["layerDigest"] = digest, ["failureCode"] = "MissingLayerDigest", ["failureReason"] = "Layer not found" });
                    }
                }

                return new JsonObject { ["layers"] = layers, ["failures"] = failures };
            }
        }
    }

    private JsonObject Render(EcrRepository repository)
    {
        var encryption = new JsonObject { ["encryptionType"] = repository.EncryptionType }.Put("kmsKey", repository.KmsKey);
        return new JsonObject
        {
            ["repositoryArn"] = repository.Arn,
            ["registryId"] = Account.Id,
            ["repositoryName"] = repository.Name,
            ["repositoryUri"] = $"{runtime.RegistryHost}/{repository.Name}",
            ["createdAt"] = AwsValues.Timestamp(repository.CreatedAt),
            ["imageTagMutability"] = repository.ImageTagMutability,
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = repository.ScanOnPush },
            ["encryptionConfiguration"] = encryption,
        };
    }

    private static JsonObject DescribeImages(JsonObject input, Dictionary<string, EcrRepository> repositories)
    {
        var repository = Find(repositories, input.Str("repositoryName"));
        IEnumerable<EcrImage> images;
        if (input.Arr("imageIds") is { Count: > 0 })
        {
            var selected = new List<EcrImage>();
            foreach (var id in input.Objects("imageIds"))
            {
                selected.Add(Resolve(repository, id) ?? throw new AwsServiceException("ImageNotFoundException", $"The image with imageId {{imageDigest:'{id.Str("imageDigest") ?? "null"}', imageTag:'{id.Str("imageTag") ?? "null"}'}} does not exist within the repository with name '{repository.Name}' in the registry with id '{Account.Id}'"));
            }

            images = selected;
        }
        else
        {
            var tagStatus = input.Obj("filter")?.Str("tagStatus");
            images = repository.Images.Values
                .Where(i => tagStatus is null or "ANY" || (tagStatus == "TAGGED") == (TagsOf(repository, i.Digest).Count > 0))
                .OrderByDescending(i => i.PushedAt);
        }

        var details = images.Select(i => (JsonNode?)new JsonObject
        {
            ["registryId"] = Account.Id,
            ["repositoryName"] = repository.Name,
            ["imageDigest"] = i.Digest,
            ["imageTags"] = TagsOf(repository, i.Digest).ToJsonArray(),
            ["imageSizeInBytes"] = i.SizeInBytes,
            ["imagePushedAt"] = AwsValues.Timestamp(i.PushedAt),
            ["imageManifestMediaType"] = i.MediaType,
            ["imageStatus"] = "ACTIVE",
        }.Put("artifactMediaType", i.ArtifactMediaType).Put("lastRecordedPullTime", i.LastPulledAt)).ToList();
        return Page(details, "imageDetails");
    }

    private JsonObject BatchGetImage(JsonObject input, Dictionary<string, EcrRepository> repositories)
    {
        var repository = Find(repositories, input.Str("repositoryName"));
        var images = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in input.Objects("imageIds"))
        {
            var image = Resolve(repository, id);
            if (image is null)
            {
                failures.Add(new JsonObject { ["imageId"] = id.DeepClone(), ["failureCode"] = "ImageNotFound", ["failureReason"] = "Requested image not found" });
                continue;
            }

            images.Add(new JsonObject
            {
                ["registryId"] = Account.Id,
                ["repositoryName"] = repository.Name,
                ["imageId"] = new JsonObject { ["imageDigest"] = image.Digest }.Put("imageTag", id.Str("imageTag")),
                ["imageManifest"] = System.Text.Encoding.UTF8.GetString(runtime.Blobs.Get(image.Digest) ?? []),
                ["imageManifestMediaType"] = image.MediaType,
            });
        }

        return new JsonObject { ["images"] = images, ["failures"] = failures };
    }

    private static JsonObject BatchDeleteImage(JsonObject input, Dictionary<string, EcrRepository> repositories)
    {
        var repository = Find(repositories, input.Str("repositoryName"));
        var deleted = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in input.Objects("imageIds"))
        {
            var tag = id.Str("imageTag");
            var image = Resolve(repository, id);
            if (image is null)
            {
                failures.Add(new JsonObject { ["imageId"] = id.DeepClone(), ["failureCode"] = "ImageNotFound", ["failureReason"] = "Requested image not found" });
                continue;
            }

            if (tag is not null && id.Str("imageDigest") is null)
            {
                // Deleting by tag removes the tag; the image goes when it has none left, as in ECR.
                repository.Tags2Digest.Remove(tag);
                if (TagsOf(repository, image.Digest).Count == 0)
                {
                    repository.Images.Remove(image.Digest);
                }
            }
            else
            {
                repository.Images.Remove(image.Digest);
                foreach (var t in TagsOf(repository, image.Digest))
                {
                    repository.Tags2Digest.Remove(t);
                }
            }

            deleted.Add(new JsonObject { ["imageDigest"] = image.Digest }.Put("imageTag", tag));
        }

        return new JsonObject { ["imageIds"] = deleted, ["failures"] = failures };
    }

    private static EcrImage? Resolve(EcrRepository repository, JsonObject id)
    {
        var digest = id.Str("imageDigest") ?? (id.Str("imageTag") is { } tag ? repository.Tags2Digest.GetValueOrDefault(tag) : null);
        return digest is null ? null : repository.Images.GetValueOrDefault(digest);
    }

    public static List<string> TagsOf(EcrRepository repository, string digest) =>
        repository.Tags2Digest.Where(t => t.Value == digest).Select(t => t.Key).Order(StringComparer.Ordinal).ToList();

    private static void RemoveTag(JsonArray tags, string? key)
    {
        for (var i = tags.Count - 1; i >= 0; i--)
        {
            if ((tags[i] as JsonObject)?.Str("Key") == key)
            {
                tags.RemoveAt(i);
            }
        }
    }

    /// <summary>Every item: the router cuts the page and checks the limit and nextToken (Hosting/Pagination).</summary>
    private static JsonObject Page(List<JsonNode?> items, string member) => new() { [member] = items.ToJsonArray() };

    private static EcrRepository Find(Dictionary<string, EcrRepository> repositories, string? name) =>
        name is not null && repositories.TryGetValue(name, out var repository) ? repository : throw NotFound(name ?? "null");

    private static EcrRepository FindByArn(Dictionary<string, EcrRepository> repositories, string? arn) =>
        repositories.Values.FirstOrDefault(r => r.Arn == arn) ?? throw new AwsServiceException("InvalidParameterException", $"Invalid parameter at 'resourceArn' failed to satisfy constraint: 'The ARN {arn} does not identify a repository in the registry with id '{Account.Id}''");

    private static AwsServiceException NotFound(string name) =>
        new("RepositoryNotFoundException", $"The repository with name '{name}' does not exist in the registry with id '{Account.Id}'");

    private static AwsServiceException Invalid(string member, string value, string constraint) =>
        new("InvalidParameterException", $"Invalid parameter at '{member}' failed to satisfy constraint: '{constraint}' (value: '{value}')");

    [GeneratedRegex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")]
    private static partial Regex RepositoryNamePattern();
}
