using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Roles;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.IamPolicy;

/// <summary>One statement of the policy. The <see cref="Sid"/> says why it is there, and why a wildcard is, where there is one.</summary>
/// <param name="OnlyOnFailure">Used only when a deployment fails (stopped tasks' evidence, rollback): allowed so that a failure reports instead of being denied.</param>
/// <param name="OnlyWhenChanging">The property whose change makes a deployment call these actions on what exists already (e.g. a Cloud Map TTL); other deployments do not.</param>
/// <param name="OnlyWhenFound">What a deployment must find in the account to call these actions (a missing cluster or execution role it creates, auto scaling it did not configure); other deployments do not.</param>
internal sealed record PolicyStatement(string Sid, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, JsonObject? Condition = null, bool OnlyOnFailure = false, string? OnlyWhenChanging = null, LiveFinding? OnlyWhenFound = null);

/// <summary>What the preflight finds in the account that makes a deployment call more than it otherwise would.</summary>
internal enum LiveFinding
{
    /// <summary>The cluster does not exist: the deployment creates it (<c>EcsCreateCluster</c>).</summary>
    ClusterMissing,

    /// <summary>The account has no <c>ecsTaskExecutionRole</c>: the deployment creates it (<c>EcsCreateExecutionRole</c>).</summary>
    ExecutionRoleMissing,

    /// <summary>
    /// The service (or a version of it) has a scalable target the project's <c>EcsAutoScaling*</c> properties do not
    /// configure: the deployment suspends and restores it (in place) or moves it between versions.
    /// </summary>
    ScalingOutsideTheProject,
}

/// <summary>An identity-based IAM policy document.</summary>
internal sealed record IamPolicyDocument(IReadOnlyList<PolicyStatement> Statements)
{
    public string ToJson()
    {
        var statements = new JsonArray();
        foreach (var statement in Statements)
        {
            var json = new JsonObject
            {
                ["Sid"] = statement.Sid,
                ["Effect"] = "Allow",
                ["Action"] = statement.Actions.Count == 1 ? statement.Actions[0] : new JsonArray([.. statement.Actions.Select(a => (JsonNode)a)]),
                ["Resource"] = statement.Resources.Count == 1 ? statement.Resources[0] : new JsonArray([.. statement.Resources.Select(r => (JsonNode)r)]),
            };
            if (statement.Condition is { } condition)
            {
                json["Condition"] = condition.DeepClone();
            }

            statements.Add(json);
        }

        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The document without the statement that allows <paramref name="action"/> (or with that action taken out of it).</summary>
    public IamPolicyDocument Without(string action) =>
        new([.. Statements.Select(s => s with { Actions = [.. s.Actions.Where(a => a != action)] }).Where(s => s.Actions.Count > 0)]);
}

/// <summary>
/// The least-privilege IAM policy the deploying principal needs for this project (<c>-t:EcsIamPolicy</c>): what every
/// deployment calls (the cluster, the image and its repository, log groups, the secrets and roles preflight, the network
/// lookups, <c>iam:PassRole</c> for the task roles only to ECS tasks), and what the strategy says its own calls need
/// (<c>IDeploymentStrategy.IamStatements</c>, composed from <see cref="ServiceStatements"/> where it deploys ECS services):
/// only the actions the configuration makes the deployment call, on the ARNs it derives from the definitions, and
/// <c>*</c> only for actions that take no resource or whose resource ids AWS chooses. LocalEcs's IAM enforcement proves
/// it for every strategy: a deployment under it succeeds, and without any one action it fails.
/// </summary>
internal static partial class IamPolicyGenerator
{
    /// <summary>The policy of <paramref name="scope"/>: the common statements around <paramref name="strategyStatements"/>.</summary>
    public static IamPolicyDocument Generate(IamScope scope, IEnumerable<PolicyStatement> strategyStatements)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(strategyStatements);
        var definitions = scope.Definitions;
        var settings = definitions.Settings;
        var (account, region) = (scope.Account, scope.Region);
        var statements = new List<PolicyStatement> { new("ReadTheCluster", ["ecs:DescribeClusters"], [scope.ClusterArn]) };
        if (settings.CreateCluster && !(definitions.Service.Cluster ?? string.Empty).StartsWith("arn:", StringComparison.Ordinal))
        {
            // Created with its created-by tag: tagging on create needs ecs:TagResource too.
            statements.Add(new("CreateTheClusterWhenItIsMissing", ["ecs:CreateCluster", "ecs:TagResource"], [scope.ClusterArn], OnlyWhenFound: LiveFinding.ClusterMissing));
        }

        statements.AddRange(strategyStatements);
        var taskRoles = scope.TaskRoles;
        var defaultRole = scope.DefaultExecutionRoleArn;
        if (taskRoles.Count > 0 || defaultRole is not null)
        {
            statements.Add(new("PassOnlyTheTaskRolesAndOnlyToEcsTasks", ["iam:PassRole"], [.. taskRoles, .. defaultRole is null ? Array.Empty<string>() : [defaultRole]], IamScope.PassedTo("ecs-tasks.amazonaws.com")));
        }

        if (defaultRole is not null)
        {
            AddDefaultExecutionRole(statements, settings, defaultRole);
        }

        if (settings.Plan.CheckSecrets)
        {
            AddSecretsAndRoles(statements, definitions, taskRoles, account, region);
        }

        if (settings.Plan.CheckPermissions)
        {
            statements.Add(new("CheckTheBuildsOwnPermissionsBeforeDeploying", ["iam:SimulatePrincipalPolicy"], [scope.Principal ?? $"arn:aws:iam::{account}:*"]));
        }

        if (definitions.TaskDefinition.NetworkMode?.Value == "awsvpc")
        {
            AddNetworkLookups(statements, definitions);
        }

        AddLogs(statements, definitions, account, region);
        AddImage(statements, settings, account, region);

        // What the preflight found decides the statements that depend on it; not looked (the written policy): all of them.
        return new IamPolicyDocument([.. statements.Where(s => s.OnlyWhenFound is not { } finding || scope.Found is null || scope.Found.Contains(finding))]);
    }

    /// <summary>
    /// No <c>EcsExecutionRoleArn</c> and the default role will do: the preflight looks up the account's
    /// <c>ecsTaskExecutionRole</c>; with <c>EcsCreateExecutionRole</c>, a missing one is created as the console creates it
    /// (with its created-by tag, which needs <c>iam:TagRole</c> on create) and given the managed policy, and no other.
    /// Passing it to ECS tasks is in the task roles' statement.
    /// </summary>
    private static void AddDefaultExecutionRole(List<PolicyStatement> statements, EcsSettings settings, string role)
    {
        statements.Add(new("FindTheAccountsDefaultExecutionRole", ["iam:GetRole"], [role]));
        if (settings.CreateExecutionRole)
        {
            statements.Add(new("CreateTheDefaultExecutionRoleWhenTheAccountHasNone", ["iam:CreateRole", "iam:TagRole"], [role], OnlyWhenFound: LiveFinding.ExecutionRoleMissing));
            statements.Add(new("AttachOnlyTheManagedTaskExecutionPolicyToTheCreatedRole", ["iam:AttachRolePolicy"], [role],
                new JsonObject { ["ArnEquals"] = new JsonObject { ["iam:PolicyARN"] = DefaultExecutionRole.PolicyArn("aws") } }, OnlyWhenFound: LiveFinding.ExecutionRoleMissing));
        }
    }

    /// <summary>
    /// The awsvpc network the preflight checks: the project's subnets and security groups (those it names), or, with no
    /// subnets, the default VPC with its default subnets and security group. EC2's Describe* actions take no resource:
    /// IAM authorises them on <c>*</c> only, which the Sids say.
    /// </summary>
    private static void AddNetworkLookups(List<PolicyStatement> statements, GeneratedDefinitions definitions)
    {
        var awsvpc = definitions.Service.NetworkConfiguration?.AwsvpcConfiguration;
        if (awsvpc?.Subnets is not { Count: > 0 })
        {
            statements.Add(new("FindTheDefaultVpcItsSubnetsAndGroupEc2DescribeTakesNoResourceSoStar", ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], ["*"]));
            return;
        }

        statements.Add(new("CheckTheSubnetsAndGroupsEc2DescribeTakesNoResourceSoStar", awsvpc.SecurityGroups is { Count: > 0 } ? ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"] : ["ec2:DescribeSubnets"], ["*"]));
    }

    private static void AddSecretsAndRoles(List<PolicyStatement> statements, GeneratedDefinitions definitions, IReadOnlyList<string> taskRoles, string account, string region)
    {
        var ownRoles = taskRoles.Where(r => r.Split(':') is [_, _, _, _, var owner, ..] && (owner == account || account == "*")).ToList();
        if (ownRoles.Count > 0)
        {
            statements.Add(new("CheckTheTaskRolesExistBeforeDeploying", ["iam:GetRole"], ownRoles));
        }

        var references = SecretsAndRolesPreflight.Secrets(definitions)
            .Select(s => SecretReference.Parse(s.ValueFrom, region))
            .OfType<SecretReference>()
            .Where(r => r.Region == region && (r.Account is null || r.Account == account || account == "*"))
            .ToList();
        var secrets = references.Where(r => r.IsSecretsManager).Select(r => CompleteSecretArn().IsMatch(r.Id) ? r.Id : r.Id + "-??????").Distinct(StringComparer.Ordinal).ToList();
        if (secrets.Count > 0)
        {
            statements.Add(new("CheckTheSecretsExistWithoutReadingThem", ["secretsmanager:DescribeSecret"], secrets));
        }

        if (references.Exists(r => !r.IsSecretsManager))
        {
            statements.Add(new("CheckTheParametersExistDescribeParametersTakesNoResource", ["ssm:DescribeParameters"], ["*"]));
        }

        if (references.Count > 0 && definitions.TaskDefinition.ExecutionRoleArn is { } executionRole && ownRoles.Contains(executionRole))
        {
            statements.Add(new("SimulateTheExecutionRoleReadingTheSecrets", ["iam:SimulatePrincipalPolicy"], [executionRole]));
        }
    }

    private static void AddLogs(List<PolicyStatement> statements, GeneratedDefinitions definitions, string account, string region)
    {
        var groups = (definitions.TaskDefinition.ContainerDefinitions ?? [])
            .Where(c => c.LogConfiguration?.LogDriver?.Value == "awslogs")
            .Select(c => c.LogConfiguration!.Options?.GetValueOrDefault("awslogs-group"))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            return;
        }

        var logs = $"arn:aws:logs:{region}:{account}:log-group";
        statements.Add(new("DescribeLogGroupsListsTheAccountsGroups", ["logs:DescribeLogGroups"], [$"{logs}:*"]));
        statements.Add(new("CreateTheLogGroups", definitions.Settings.LogRetentionDays is null ? ["logs:CreateLogGroup"] : ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], [.. groups.Select(g => $"{logs}:{g}:*")]));
        statements.Add(new(definitions.Settings.PreDeployTasks.Count > 0 ? "ReadTheLogsOfPreDeployTasksAndFailedTasks" : "OnFailureReadTheLogsOfStoppedTasks",
            ["logs:GetLogEvents"], [.. groups.Select(g => $"{logs}:{g}:log-stream:*")], OnlyOnFailure: definitions.Settings.PreDeployTasks.Count == 0));
    }

    private static void AddImage(List<PolicyStatement> statements, EcsSettings settings, string account, string region)
    {
        var ecr = $"arn:aws:ecr:{region}:{account}:repository";
        if (settings.ImageIsExternal)
        {
            if (settings.Image is { } image && ImageReference.Parse(image) is { Registry: { } registry } reference
                && (registry.Equals($"{account}.dkr.ecr.{region}.amazonaws.com", StringComparison.OrdinalIgnoreCase)
                    || (settings.EndpointUrl is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && registry.Equals($"{uri.Host}:{uri.Port}", StringComparison.OrdinalIgnoreCase))))
            {
                statements.Add(new("PinTheImageToItsDigest", ["ecr:DescribeImages"], [$"{ecr}/{reference.Repository}"]));
            }

            return;
        }

        var repository = settings.ContainerRepository ?? settings.DefaultName;
        statements.Add(new("EcrAuthorizationTokenTakesNoResourceSoStar", ["ecr:GetAuthorizationToken"], ["*"]));
        var actions = new List<string> { "ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage" };
        if (settings.CreateEcrRepository)
        {
            // The repository is created with its created-by tag, and tagging on create needs ecr:TagResource too.
            actions.AddRange(["ecr:CreateRepository", "ecr:TagResource"]);
        }

        if (settings.EcrKeepImages is not null)
        {
            actions.AddRange(["ecr:GetLifecyclePolicy", "ecr:PutLifecyclePolicy"]);
        }

        statements.Add(new("PushTheImageToTheProjectsRepository", actions, [$"{ecr}/{repository}"]));
    }

    [GeneratedRegex(@":secret:.+-[A-Za-z0-9]{6}$")]
    private static partial Regex CompleteSecretArn();
}
