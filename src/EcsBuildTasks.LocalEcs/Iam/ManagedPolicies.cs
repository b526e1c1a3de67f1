using EcsBuildTasks.LocalEcs.Iam.Policies;

namespace EcsBuildTasks.LocalEcs.Iam;

/// <summary>
/// AWS managed policies (<c>arn:aws:iam::aws:policy/…</c>). Any such ARN can be attached: LocalEcs cannot know AWS's
/// whole catalogue offline. The documents of the few an ECS deployment relies on are known, so that a role's
/// permissions can be evaluated (an assumed role's session, a task execution role reading secrets); the others grant
/// nothing when LocalEcs evaluates them.
/// </summary>
internal static class ManagedPolicies
{
    public const string AwsPrefix = "arn:aws:iam::aws:policy/";

    public const string TaskExecutionRolePolicyArn = AwsPrefix + "service-role/AmazonECSTaskExecutionRolePolicy";

    private static readonly Dictionary<string, PolicyDocument> Documents = new(StringComparer.Ordinal)
    {
        // What ECS needs to pull images from ECR and write awslogs; secrets need a policy of their own.
        [TaskExecutionRolePolicyArn] = PolicyDocument.Parse("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
              "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
              "logs:CreateLogStream", "logs:PutLogEvents"]}]}
            """, PolicyKind.Identity),
        [AwsPrefix + "AdministratorAccess"] = PolicyDocument.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""", PolicyKind.Identity),
    };

    /// <summary>Whether <paramref name="arn"/> is a well-formed AWS managed policy ARN.</summary>
    public static bool IsAwsManaged(string arn) =>
        arn.StartsWith(AwsPrefix, StringComparison.Ordinal) && arn.Length > AwsPrefix.Length && !arn.EndsWith('/');

    /// <summary>The document of a known AWS managed policy, or null.</summary>
    public static PolicyDocument? Document(string arn) => Documents.GetValueOrDefault(arn);

    /// <summary>The name and path of a managed policy ARN (<c>service-role/AmazonECSTaskExecutionRolePolicy</c> → that name, <c>/service-role/</c>).</summary>
    public static (string Name, string Path) NameAndPath(string arn)
    {
        var resource = arn[(arn.IndexOf(":policy/", StringComparison.Ordinal) + ":policy/".Length)..];
        var slash = resource.LastIndexOf('/');
        return slash < 0 ? (resource, "/") : (resource[(slash + 1)..], "/" + resource[..(slash + 1)]);
    }
}
