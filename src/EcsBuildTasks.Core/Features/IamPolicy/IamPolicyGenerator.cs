using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.IamPolicy;

/// <summary>One statement of the policy. The <see cref="Sid"/> says why it is there, and why a wildcard is, where there is one.</summary>
/// <param name="OnlyOnFailure">Used only when a deployment fails (stopped tasks' evidence, rollback): allowed so that a failure reports instead of being denied.</param>
internal sealed record PolicyStatement(string Sid, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, JsonObject? Condition = null, bool OnlyOnFailure = false);

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
/// The least-privilege IAM policy the deploying principal needs for this project (<c>-t:EcsIamPolicy</c>): only the
/// actions its configuration makes the deployment call, on the ARNs it derives from the definitions (cluster, service,
/// task family, repository, log group, secrets, roles), <c>iam:PassRole</c> only for the roles the definitions name and
/// only to the service that receives them, and <c>*</c> only for actions that take no resource or whose resource ids AWS
/// chooses. LocalEcs's IAM enforcement proves it: a deployment under it succeeds, and without any one action it fails.
/// </summary>
internal static partial class IamPolicyGenerator
{
    public static IamPolicyDocument Generate(GeneratedDefinitions definitions, string account, string region)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var service = definitions.Service;
        var task = definitions.TaskDefinition;
        var cluster = service.Cluster!;
        var clusterName = cluster.StartsWith("arn:", StringComparison.Ordinal) ? cluster[(cluster.LastIndexOf('/') + 1)..] : cluster;
        var ecs = $"arn:aws:ecs:{region}:{account}";
        var serviceArn = $"{ecs}:service/{clusterName}/{service.ServiceName}";
        var familyArn = $"{ecs}:task-definition/{task.Family}:*";
        var statements = new List<PolicyStatement>
        {
            new("ReadTheCluster", ["ecs:DescribeClusters"], [$"{ecs}:cluster/{clusterName}"]),
            new("CreateOrUpdateTheServiceAndFollowItsDeployments",
                [.. Actions("ecs:DescribeServices", "ecs:CreateService", "ecs:UpdateService", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"), .. settings.Tags.Count > 0 || DeployedInputs.Apply(definitions) ? ["ecs:TagResource"] : Array.Empty<string>()],
                [serviceArn, $"{ecs}:service-deployment/{clusterName}/{service.ServiceName}/*"]),
            // Versions of the service (<name>__<N>) are found by listing the cluster's services: the versioned
            // strategies always, the in-place ones before creating the service (a versioned service must not be
            // replaced by a plain one).
            new("ListTheClustersServicesToFindVersions", ["ecs:ListServices"], ["*"], new JsonObject { ["ArnEquals"] = new JsonObject { ["ecs:cluster"] = $"{ecs}:cluster/{clusterName}" } }),
            new("RegisterRevisionsOfTheTaskFamilyWithTheirTags", ["ecs:RegisterTaskDefinition", "ecs:TagResource"], [familyArn]),
            new("DescribeTaskDefinitionTakesNoResourceSoStar", ["ecs:DescribeTaskDefinition"], ["*"]),
            new("ScalableTargetLookupTakesNoResourceSoStar", ["application-autoscaling:DescribeScalableTargets"], ["*"]),
        };

        var taskRoles = new[] { task.ExecutionRoleArn, task.TaskRoleArn }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (taskRoles.Count > 0)
        {
            statements.Add(new("PassOnlyTheTaskRolesAndOnlyToEcsTasks", ["iam:PassRole"], taskRoles, PassedTo("ecs-tasks.amazonaws.com")));
        }

        var serviceRoles = ServiceRoles(definitions).ToList();
        if (serviceRoles.Count > 0)
        {
            statements.Add(new("PassOnlyTheServiceRolesAndOnlyToEcs", ["iam:PassRole"], serviceRoles, PassedTo("ecs.amazonaws.com")));
        }

        if (settings.Plan.CheckSecrets)
        {
            AddSecretsAndRoles(statements, definitions, taskRoles, account, region);
        }

        if (task.NetworkMode?.Value == "awsvpc")
        {
            statements.Add(new("Ec2DescribeTakesNoResourceSoStar", settings.Subnets.Count == 0 ? ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"] : ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], ["*"]));
        }

        AddLogs(statements, definitions, account, region);
        AddImage(statements, settings, account, region);
        AddLoadBalancing(statements, definitions, account, region);
        AddDiscoveryAndScaling(statements, definitions, account, region);
        if (settings.PreDeployTasks.Count > 0)
        {
            statements.Add(new("RunPreDeployTasksOnlyInTheCluster", ["ecs:RunTask"], [familyArn], new JsonObject { ["ArnEquals"] = new JsonObject { ["ecs:cluster"] = $"{ecs}:cluster/{clusterName}" } }));
            statements.Add(new("FollowPreDeployTasksInTheCluster", ["ecs:DescribeTasks"], [$"{ecs}:task/{clusterName}/*"]));
        }
        else
        {
            statements.Add(new("OnFailureDescribeTheStoppedTasks", ["ecs:DescribeTasks"], [$"{ecs}:task/{clusterName}/*"], OnlyOnFailure: true));
        }

        statements.Add(new("OnFailureListTheStoppedTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], new JsonObject { ["ArnEquals"] = new JsonObject { ["ecs:cluster"] = $"{ecs}:cluster/{clusterName}" } }, OnlyOnFailure: true));
        statements.Add(new("OnFailureRollBackTheServiceDeployment", ["ecs:StopServiceDeployment", "ecs:DescribeServiceRevisions"], [$"{ecs}:service-deployment/{clusterName}/{service.ServiceName}/*", $"{ecs}:service-revision/{clusterName}/{service.ServiceName}/*"], OnlyOnFailure: true));
        return new IamPolicyDocument(statements);
    }

    private static IEnumerable<string> ServiceRoles(GeneratedDefinitions definitions)
    {
        var service = definitions.Service;
        var roles = new List<string?> { service.Role };
        roles.AddRange((service.LoadBalancers ?? []).Select(l => l.AdvancedConfiguration?.RoleArn));
        roles.AddRange((service.DeploymentConfiguration?.LifecycleHooks ?? []).Select(h => h.RoleArn));
        return roles.OfType<string>().Distinct(StringComparer.Ordinal);
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

    private static void AddLoadBalancing(List<PolicyStatement> statements, GeneratedDefinitions definitions, string account, string region)
    {
        var balancers = definitions.Service.LoadBalancers ?? [];
        if (balancers.Count > 0)
        {
            var actions = balancers.Exists(b => b.AdvancedConfiguration is not null)
                ? new[] { "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules" }
                : ["elasticloadbalancing:DescribeTargetGroups"];
            statements.Add(new("ElbDescribeTakesNoResourceSoStar", actions, ["*"]));
        }

        if (definitions.Service.DeploymentConfiguration?.Alarms?.AlarmNames is { Count: > 0 } alarms)
        {
            statements.Add(new("ReadTheDeploymentAlarms", ["cloudwatch:DescribeAlarms"], [.. alarms.Select(a => $"arn:aws:cloudwatch:{region}:{account}:alarm:{a}")]));
        }
    }

    private static void AddDiscoveryAndScaling(List<PolicyStatement> statements, GeneratedDefinitions definitions, string account, string region)
    {
        var settings = definitions.Settings;
        var cloudMap = $"arn:aws:servicediscovery:{region}:{account}";
        if (settings.ServiceDiscovery is { } discovery)
        {
            if (discovery.RegistryArn is { } registry)
            {
                statements.Add(new("ReadTheCloudMapService", ["servicediscovery:GetService", "servicediscovery:UpdateService"], [registry]));
            }
            else
            {
                statements.Add(new("FindCloudMapNamespacesAndServicesListsTakeNoResource", discovery.CreateNamespace ? ["servicediscovery:ListNamespaces", "servicediscovery:ListServices", "servicediscovery:CreatePrivateDnsNamespace"] : ["servicediscovery:ListNamespaces", "servicediscovery:ListServices"], ["*"]));
                statements.Add(new("CreateTheCloudMapServiceIdsAreChosenByAws",
                    ["servicediscovery:GetNamespace", "servicediscovery:GetOperation", "servicediscovery:CreateService", "servicediscovery:GetService"],
                    [$"{cloudMap}:namespace/*", $"{cloudMap}:service/*"]));
            }
        }

        if (settings.ServiceConnect is not null)
        {
            statements.Add(new("ReadTheServiceConnectNamespace", ["servicediscovery:ListNamespaces", "servicediscovery:GetNamespace"], ["*"]));
        }

        if (settings.AutoScaling is { MinCapacity: not null } scaling)
        {
            statements.Add(new("ReadScalingPoliciesAndActionsTakesNoResource", ["application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScheduledActions"], ["*"]));
            var actions = new List<string> { "application-autoscaling:RegisterScalableTarget" };
            if (scaling.Policies.Count > 0)
            {
                actions.Add("application-autoscaling:PutScalingPolicy");
            }

            if (scaling.ScheduledActions.Count > 0)
            {
                actions.Add("application-autoscaling:PutScheduledAction");
            }

            if (scaling.Prune)
            {
                actions.AddRange(["application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DeleteScheduledAction"]);
            }

            statements.Add(new("ConfigureTheScalableTargetItsIdIsChosenByAws", actions, [$"arn:aws:application-autoscaling:{region}:{account}:scalable-target/*"],
                new JsonObject { ["StringEquals"] = new JsonObject { ["application-autoscaling:service-namespace"] = "ecs" } }));
        }
    }

    private static JsonObject PassedTo(string service) => new() { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = service } };

    private static string[] Actions(params string[] actions) => actions;

    [GeneratedRegex(@":secret:.+-[A-Za-z0-9]{6}$")]
    private static partial Regex CompleteSecretArn();
}
