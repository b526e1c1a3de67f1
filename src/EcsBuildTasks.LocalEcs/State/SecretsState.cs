using System.Text.Json.Serialization;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// Secrets Manager secrets of one region, by ARN. Values are test values kept in the state file like any other
/// resource; LocalEcs never logs them and the control API's state dump hides them.
/// </summary>
internal sealed class SecretsManagerState
{
    public Dictionary<string, SecretRecord> Secrets { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class SecretRecord
{
    public string Name { get; set; } = string.Empty;

    /// <summary><c>arn:aws:secretsmanager:&lt;region&gt;:&lt;account&gt;:secret:&lt;name&gt;-&lt;6 random characters&gt;</c>.</summary>
    public string Arn { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string? KmsKeyId { get; set; }

    public DateTimeOffset CreatedDate { get; set; }

    public DateTimeOffset LastChangedDate { get; set; }

    public DateTimeOffset? LastAccessedDate { get; set; }

    /// <summary>When a scheduled deletion takes effect; null while the secret is in use.</summary>
    public DateTimeOffset? DeletedDate { get; set; }

    public List<ResourceTag> Tags { get; set; } = [];

    public List<SecretVersion> Versions { get; set; } = [];
}

internal sealed class SecretVersion
{
    public string VersionId { get; set; } = string.Empty;

    public string? SecretString { get; set; }

    /// <summary>Base64, as the JSON protocol carries blobs.</summary>
    public string? SecretBinary { get; set; }

    /// <summary>Staging labels: AWSCURRENT, AWSPREVIOUS, AWSPENDING or custom ones.</summary>
    public List<string> Stages { get; set; } = [];

    public DateTimeOffset CreatedDate { get; set; }
}

/// <summary>SSM Parameter Store parameters of one region, by name.</summary>
internal sealed class SsmState
{
    public Dictionary<string, SsmParameter> Parameters { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class SsmParameter
{
    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = "String";

    public string? Description { get; set; }

    /// <summary>The KMS key of a SecureString (default <c>alias/aws/ssm</c>); recorded, not used.</summary>
    public string? KeyId { get; set; }

    public string? AllowedPattern { get; set; }

    public string Tier { get; set; } = "Standard";

    public string DataType { get; set; } = "text";

    public string LastModifiedUser { get; set; } = string.Empty;

    public List<ResourceTag> Tags { get; set; } = [];

    /// <summary>Every version, oldest first; the last is current.</summary>
    public List<SsmParameterVersion> History { get; set; } = [];

    [JsonIgnore]
    public SsmParameterVersion Current => History[^1];
}

internal sealed class SsmParameterVersion
{
    public long Version { get; set; }

    public string Value { get; set; } = string.Empty;

    /// <summary>What a SecureString read without decryption returns instead of the value (opaque, like KMS ciphertext).</summary>
    public string? Ciphertext { get; set; }

    public DateTimeOffset LastModifiedDate { get; set; }
}

/// <summary>A <c>Key</c>/<c>Value</c> tag, as Secrets Manager and SSM carry them.</summary>
internal sealed class ResourceTag
{
    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}
