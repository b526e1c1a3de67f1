namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Amazon ECR operations → IAM actions on the repository (Service Authorization Reference, "Amazon Elastic Container
/// Registry"); GetAuthorizationToken takes no resource. Pushes and pulls through the registry are authorised per
/// registry request (<see cref="Registry"/>), as ECR does with the identity that obtained the token.
/// </summary>
internal static class EcrActions
{
    public static readonly ActionTable Table = new("ecr")
    {
        ["CreateRepository"] = c => [c.Check("ecr:CreateRepository", Repository(c, c.Str("repositoryName"))), .. c.TagOnCreate("ecr:TagResource", Repository(c, c.Str("repositoryName")), c.Tags("tags"))],
        ["DescribeRepositories"] = c => c.Checks("ecr:DescribeRepositories", c.Strings("repositoryNames").Select(n => Repository(c, n)).DefaultIfEmpty(c.Arn("ecr", "repository/*"))),
        ["DeleteRepository"] = c => [c.Check("ecr:DeleteRepository", Repository(c, c.Str("repositoryName")))],
        ["GetAuthorizationToken"] = c => [c.Any("ecr:GetAuthorizationToken")],
        ["DescribeImages"] = c => [c.Check("ecr:DescribeImages", Repository(c, c.Str("repositoryName")))],
        ["ListImages"] = c => [c.Check("ecr:ListImages", Repository(c, c.Str("repositoryName")))],
        ["BatchGetImage"] = c => [c.Check("ecr:BatchGetImage", Repository(c, c.Str("repositoryName")))],
        ["BatchDeleteImage"] = c => [c.Check("ecr:BatchDeleteImage", Repository(c, c.Str("repositoryName")))],
        ["BatchCheckLayerAvailability"] = c => [c.Check("ecr:BatchCheckLayerAvailability", Repository(c, c.Str("repositoryName")))],
        ["PutImageTagMutability"] = c => [c.Check("ecr:PutImageTagMutability", Repository(c, c.Str("repositoryName")))],
        ["PutLifecyclePolicy"] = c => [c.Check("ecr:PutLifecyclePolicy", Repository(c, c.Str("repositoryName")))],
        ["GetLifecyclePolicy"] = c => [c.Check("ecr:GetLifecyclePolicy", Repository(c, c.Str("repositoryName")))],
        ["DeleteLifecyclePolicy"] = c => [c.Check("ecr:DeleteLifecyclePolicy", Repository(c, c.Str("repositoryName")))],
        ["TagResource"] = c => [new AuthorizationCheck("ecr:TagResource", c.Str("resourceArn") ?? "*", OperationContext.TagKeys(c.Tags("tags")))],
        ["UntagResource"] = c => [c.Check("ecr:UntagResource", c.Str("resourceArn") ?? "*")],
        ["ListTagsForResource"] = c => [c.Check("ecr:ListTagsForResource", c.Str("resourceArn") ?? "*")],
    };

    /// <summary>
    /// What a request to the OCI registry (<c>/v2/&lt;name&gt;/…</c>) needs, as ECR maps Docker's push and pull: manifests
    /// are BatchGetImage/PutImage/BatchDeleteImage, blob reads GetDownloadUrlForLayer (existence checks
    /// BatchCheckLayerAvailability), uploads InitiateLayerUpload/UploadLayerPart/CompleteLayerUpload, tag lists ListImages.
    /// </summary>
    public static string[] Registry(string kind, string method, bool uploadStarted, bool monolithic) => (kind, method) switch
    {
        ("manifests", "GET" or "HEAD") => ["ecr:BatchGetImage"],
        ("manifests", "PUT") => ["ecr:PutImage"],
        ("manifests", "DELETE") => ["ecr:BatchDeleteImage"],
        ("blobs", "HEAD") => ["ecr:BatchCheckLayerAvailability"],
        ("blobs", "GET") => ["ecr:GetDownloadUrlForLayer"],
        ("uploads", "POST") when !uploadStarted && monolithic => ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
        ("uploads", "POST") when !uploadStarted => ["ecr:InitiateLayerUpload"],
        ("uploads", "PATCH" or "GET") => ["ecr:UploadLayerPart"],
        ("uploads", "PUT") => ["ecr:CompleteLayerUpload"],
        ("tags", _) => ["ecr:ListImages"],
        _ => [],
    };

    /// <summary>A repository's ARN: the existing repository's (it keeps the region it was created in), else one in the request's region.</summary>
    private static string Repository(OperationContext c, string? name) =>
        name is not null && c.Account.Repositories.TryGetValue(name, out var repository) ? repository.Arn : c.Arn("ecr", "repository/" + name);
}
