using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.SecretsManager;

/// <summary>
/// AWS Secrets Manager (JSON 1.1): secrets with versions and staging labels (AWSCURRENT, AWSPREVIOUS), scheduled
/// deletion and restore, tags. Secrets are found by name, full ARN or partial ARN (without the random suffix), as
/// Secrets Manager finds them; ECS task secrets resolve through <see cref="Find"/> too.
/// </summary>
internal sealed class SecretsManagerApi : IAwsApi
{
    public const string Current = "AWSCURRENT";
    public const string Previous = "AWSPREVIOUS";

    private static readonly HashSet<string> ServedOperations =
    [
        "CreateSecret", "DescribeSecret", "GetSecretValue", "PutSecretValue", "UpdateSecret", "ListSecrets",
        "DeleteSecret", "RestoreSecret", "TagResource", "UntagResource",
    ];

    public string SigningName => "secretsmanager";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var state = request.RegionState.SecretsManager;
        var input = request.Input;
        return request.Operation switch
        {
            "CreateSecret" => CreateSecret(request, state, input),
            "DescribeSecret" => Describe(Existing(state, input), listing: false),
            "GetSecretValue" => GetSecretValue(request, Usable(state, input), input),
            "PutSecretValue" => PutSecretValue(request, Usable(state, input), input),
            "UpdateSecret" => UpdateSecret(request, Usable(state, input), input),
            "ListSecrets" => ListSecrets(state, input),
            "DeleteSecret" => DeleteSecret(request, state, input),
            "RestoreSecret" => RestoreSecret(Existing(state, input)),
            "TagResource" => TagResource(Existing(state, input), input),
            "UntagResource" => UntagResource(Existing(state, input), input),
            _ => throw new AwsServiceException("UnknownOperationException", $"LocalEcs does not implement secretsmanager {request.Operation}."),
        };
    }

    /// <summary>The secret <paramref name="secretId"/> names in a region (name, ARN, or ARN without its random suffix), deleted or not.</summary>
    public static SecretRecord? Find(SecretsManagerState state, string secretId)
    {
        if (state.Secrets.TryGetValue(secretId, out var byArn))
        {
            return byArn;
        }

        return secretId.StartsWith("arn:", StringComparison.Ordinal)
            ? state.Secrets.Values.FirstOrDefault(s => s.Arn.Length > 7 && s.Arn[..^7] == secretId)
            : state.Secrets.Values.FirstOrDefault(s => s.Name == secretId);
    }

    /// <summary>The version GetSecretValue returns for a version id and/or staging label (default AWSCURRENT), or Secrets Manager's error.</summary>
    public static SecretVersion Version(SecretRecord secret, string? versionId, string? stage)
    {
        if (versionId is not null)
        {
            var byId = secret.Versions.FirstOrDefault(v => v.VersionId == versionId)
                ?? throw new AwsServiceException("ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for VersionId: {versionId}");
            return stage is null || byId.Stages.Contains(stage)
                ? byId
                : throw new AwsServiceException("InvalidRequestException", $"You provided a VersionStage that is not associated to the provided VersionId.");
        }

        stage ??= Current;
        return secret.Versions.FirstOrDefault(v => v.Stages.Contains(stage))
            ?? throw new AwsServiceException("ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for staging label: {stage}");
    }

    public static AwsServiceException NotFound() => new("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

    public static AwsServiceException MarkedForDeletion() =>
        new("InvalidRequestException", $"You can't perform this operation on the secret because it was marked for deletion.");

    private static JsonObject CreateSecret(AwsRequest request, SecretsManagerState state, JsonObject input)
    {
        var name = input.Str("Name") ?? throw Required("name");
        if (name.Length > 512 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || "/_+=.@-".Contains(c, StringComparison.Ordinal))))
        {
            throw new AwsServiceException("ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
        }

        if (state.Secrets.Values.FirstOrDefault(s => s.Name == name) is { } existing)
        {
            throw existing.DeletedDate is null
                ? new AwsServiceException("ResourceExistsException", $"The operation failed because the secret {name} already exists.")
                : new AwsServiceException("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");
        }

        var secret = new SecretRecord
        {
            Name = name,
            Arn = $"arn:aws:secretsmanager:{request.Region}:{Account.Id}:secret:{name}-{Ids.Alphanumeric(6)}",
            Description = input.Str("Description"),
            KmsKeyId = input.Str("KmsKeyId"),
            CreatedDate = request.Now,
            LastChangedDate = request.Now,
            Tags = Tags(input.Arr("Tags")),
        };
        var version = NewVersion(request, secret, input, [Current]);
        state.Secrets[secret.Arn] = secret;
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name }.Put("VersionId", version?.VersionId);
    }

    private static JsonObject GetSecretValue(AwsRequest request, SecretRecord secret, JsonObject input)
    {
        var version = Version(secret, input.Str("VersionId"), input.Str("VersionStage"));
        secret.LastAccessedDate = new DateTimeOffset(request.Now.UtcDateTime.Date, TimeSpan.Zero);
        return new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.VersionId,
            ["VersionStages"] = version.Stages.ToJsonArray(),
            ["CreatedDate"] = AwsValues.Timestamp(version.CreatedDate),
        }
        .Put("SecretString", version.SecretString)
        .Put("SecretBinary", version.SecretBinary);
    }

    private static JsonObject PutSecretValue(AwsRequest request, SecretRecord secret, JsonObject input)
    {
        var stages = input.Strings("VersionStages").ToList();
        var version = NewVersion(request, secret, input, stages.Count > 0 ? stages : [Current])
            ?? throw new AwsServiceException("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
        return new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.VersionId,
            ["VersionStages"] = version.Stages.ToJsonArray(),
        };
    }

    private static JsonObject UpdateSecret(AwsRequest request, SecretRecord secret, JsonObject input)
    {
        secret.Description = input.Str("Description") ?? secret.Description;
        secret.KmsKeyId = input.Str("KmsKeyId") ?? secret.KmsKeyId;
        secret.LastChangedDate = request.Now;
        var version = NewVersion(request, secret, input, [Current]);
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name }.Put("VersionId", version?.VersionId);
    }

    /// <summary>
    /// Adds a version when the request carries a value (null otherwise). A ClientRequestToken names the version and
    /// makes retries idempotent; moving AWSCURRENT marks the previous current version AWSPREVIOUS.
    /// </summary>
    private static SecretVersion? NewVersion(AwsRequest request, SecretRecord secret, JsonObject input, List<string> stages)
    {
        var text = input.Str("SecretString");
        var binary = input.Str("SecretBinary");
        if (text is not null && binary is not null)
        {
            throw new AwsServiceException("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
        }

        if (text is null && binary is null)
        {
            return null;
        }

        if (text?.Length > 65536)
        {
            throw new AwsServiceException("InvalidParameterException", "Secret value exceeds the maximum size of 65536 bytes.");
        }

        var token = input.Str("ClientRequestToken");
        if (token is not null && secret.Versions.FirstOrDefault(v => v.VersionId == token) is { } retried)
        {
            return retried.SecretString == text && retried.SecretBinary == binary
                ? retried
                : throw new AwsServiceException("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }

        var version = new SecretVersion
        {
            VersionId = token ?? Guid.NewGuid().ToString(),
            SecretString = text,
            SecretBinary = binary,
            CreatedDate = request.Now,
        };
        foreach (var stage in stages)
        {
            var holder = secret.Versions.FirstOrDefault(v => v.Stages.Remove(stage));
            if (stage == Current && holder is not null)
            {
                foreach (var other in secret.Versions)
                {
                    other.Stages.Remove(Previous);
                }

                holder.Stages.Add(Previous);
            }

            version.Stages.Add(stage);
        }

        // Versions without a label are deprecated; Secrets Manager keeps about a hundred of them, LocalEcs ten.
        var unlabeled = secret.Versions.Where(v => v.Stages.Count == 0).ToList();
        foreach (var old in unlabeled.Take(Math.Max(0, unlabeled.Count - 10)))
        {
            secret.Versions.Remove(old);
        }

        secret.Versions.Add(version);
        secret.LastChangedDate = request.Now;
        return version;
    }

    private static JsonObject ListSecrets(SecretsManagerState state, JsonObject input)
    {
        var includeDeleted = input.Bool("IncludePlannedDeletion") ?? false;
        var filters = input.Objects("Filters").ToList();
        var secrets = state.Secrets.Values
            .Where(s => includeDeleted || s.DeletedDate is null)
            .Where(s => filters.All(f => Matches(s, f.Str("Key"), f.Strings("Values").ToList())))
            .OrderBy(s => s.CreatedDate)
            .ToList();
        if (input.Str("SortOrder") == "desc")
        {
            secrets.Reverse();
        }

        // Every secret: the router cuts the page and checks MaxResults and NextToken (Hosting/Pagination).
        return new JsonObject { ["SecretList"] = secrets.Select(s => (JsonNode?)Describe(s, listing: true)).ToJsonArray() };
    }

    /// <summary>ListSecrets filters: values match by prefix; a leading <c>!</c> negates.</summary>
    private static bool Matches(SecretRecord secret, string? key, List<string> values)
    {
        bool Any(IEnumerable<string?> candidates) => values.Any(value =>
        {
            var negated = value.StartsWith('!');
            var prefix = negated ? value[1..] : value;
            var hit = candidates.Any(c => c is not null && c.StartsWith(prefix, StringComparison.Ordinal));
            return hit != negated;
        });

        return key switch
        {
            "name" => Any([secret.Name]),
            "description" => Any([secret.Description]),
            "tag-key" => Any(secret.Tags.Select(t => t.Key)),
            "tag-value" => Any(secret.Tags.Select(t => t.Value)),
            "primary-region" or "owning-service" => false,
            "all" => Any([secret.Name, secret.Description, .. secret.Tags.Select(t => t.Key), .. secret.Tags.Select(t => t.Value)]),
            _ => throw new AwsServiceException("InvalidParameterException", $"Invalid filter key: {key}."),
        };
    }

    private static JsonObject DeleteSecret(AwsRequest request, SecretsManagerState state, JsonObject input)
    {
        var secret = Existing(state, input);
        var force = input.Bool("ForceDeleteWithoutRecovery") ?? false;
        var window = input.Int("RecoveryWindowInDays");
        if (force && window is not null)
        {
            throw new AwsServiceException("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }

        if (window is not null and not (>= 7 and <= 30))
        {
            throw new AwsServiceException("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        }

        if (force)
        {
            state.Secrets.Remove(secret.Arn);
            return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["DeletionDate"] = AwsValues.Timestamp(request.Now) };
        }

        if (secret.DeletedDate is not null)
        {
            throw MarkedForDeletion();
        }

        secret.DeletedDate = request.Now.AddDays(window ?? 30);
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["DeletionDate"] = AwsValues.Timestamp(secret.DeletedDate.Value) };
    }

    private static JsonObject RestoreSecret(SecretRecord secret)
    {
        secret.DeletedDate = null;
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name };
    }

    private static JsonObject? TagResource(SecretRecord secret, JsonObject input)
    {
        foreach (var tag in Tags(input.Arr("Tags") ?? throw Required("tags")))
        {
            secret.Tags.RemoveAll(t => t.Key == tag.Key);
            secret.Tags.Add(tag);
        }

        return null;
    }

    private static JsonObject? UntagResource(SecretRecord secret, JsonObject input)
    {
        var keys = input.Strings("TagKeys").ToHashSet(StringComparer.Ordinal);
        secret.Tags.RemoveAll(t => keys.Contains(t.Key));
        return null;
    }

    /// <summary>DescribeSecret's answer; ListSecrets entries name the version map <c>SecretVersionsToStages</c>.</summary>
    private static JsonObject Describe(SecretRecord secret, bool listing)
    {
        var versions = new JsonObject();
        foreach (var version in secret.Versions.Where(v => v.Stages.Count > 0))
        {
            versions[version.VersionId] = version.Stages.ToJsonArray();
        }

        var result = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name }
            .Put("Description", secret.Description)
            .Put("KmsKeyId", secret.KmsKeyId)
            .Put("LastChangedDate", secret.LastChangedDate)
            .Put("LastAccessedDate", secret.LastAccessedDate)
            .Put("DeletedDate", secret.DeletedDate)
            .Put("CreatedDate", secret.CreatedDate);
        if (secret.Tags.Count > 0)
        {
            result["Tags"] = secret.Tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToJsonArray();
        }

        result[listing ? "SecretVersionsToStages" : "VersionIdsToStages"] = versions;
        return result;
    }

    private static SecretRecord Existing(SecretsManagerState state, JsonObject input) =>
        Find(state, input.Str("SecretId") ?? throw Required("secretId")) ?? throw NotFound();

    /// <summary>A secret that is not scheduled for deletion (the others refuse reads and writes).</summary>
    private static SecretRecord Usable(SecretsManagerState state, JsonObject input)
    {
        var secret = Existing(state, input);
        return secret.DeletedDate is null ? secret : throw MarkedForDeletion();
    }

    private static List<ResourceTag> Tags(JsonArray? tags) =>
        (tags?.OfType<JsonObject>() ?? []).Select(t => new ResourceTag { Key = t.Str("Key") ?? string.Empty, Value = t.Str("Value") ?? string.Empty }).ToList();

    private static AwsServiceException Required(string member) =>
        new("ValidationException", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
