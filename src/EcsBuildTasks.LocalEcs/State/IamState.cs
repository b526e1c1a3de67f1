namespace EcsBuildTasks.LocalEcs.State;

/// <summary>IAM is global: one set of roles for the account, whatever region a request is signed for.</summary>
internal sealed class IamState
{
    /// <summary>Whether the default roles were installed once; a role the user deletes stays deleted across restarts.</summary>
    public bool DefaultsInstalled { get; set; }

    /// <summary>Roles by <see cref="IamRole.Key"/>: IAM role names are unique regardless of case.</summary>
    public Dictionary<string, IamRole> Roles { get; set; } = new(StringComparer.Ordinal);

    public IamRole? FindRole(string name) => Roles.GetValueOrDefault(IamRole.Key(name));

    /// <summary>The role an ARN of this account names (<c>arn:aws:iam::&lt;account&gt;:role/[path/]name</c>), or null.</summary>
    public IamRole? FindRoleByArn(string arn)
    {
        var prefix = $"arn:aws:iam::{Account.Id}:role/";
        return arn.StartsWith(prefix, StringComparison.Ordinal) && FindRole(arn[(arn.LastIndexOf('/') + 1)..]) is { } role && role.Arn == arn ? role : null;
    }
}

internal sealed class IamRole
{
    public string Name { get; set; } = string.Empty;

    public string Path { get; set; } = "/";

    public string RoleId { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public DateTimeOffset CreateDate { get; set; }

    /// <summary>The trust policy exactly as given (IAM returns it URL-encoded; the CLI decodes it).</summary>
    public string AssumeRolePolicyDocument { get; set; } = string.Empty;

    public string? Description { get; set; }

    public int MaxSessionDuration { get; set; } = 3600;

    public string? PermissionsBoundaryArn { get; set; }

    public List<IamTag> Tags { get; set; } = [];

    /// <summary>Managed policy ARNs attached to the role, in attachment order.</summary>
    public List<string> AttachedPolicyArns { get; set; } = [];

    /// <summary>Inline policies (PutRolePolicy) by name, documents as given.</summary>
    public Dictionary<string, string> InlinePolicies { get; set; } = new(StringComparer.Ordinal);

    public static string Key(string name) => name.ToUpperInvariant();
}

internal sealed class IamTag
{
    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}
