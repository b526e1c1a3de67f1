using Amazon.SecurityToken.Model;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.Roles;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using TargetGroup = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.TargetGroup;

namespace EcsBuildTasks.Core.Features.Preflight;

/// <summary>The awsvpc network the service will use, and where it came from.</summary>
internal sealed record NetworkPlan(IReadOnlyList<string> Subnets, IReadOnlyList<string> SecurityGroups, string? VpcId, bool FromDefaultVpc);

/// <summary>What the read-only checks found: the identity, the existing resources, and the resolved network.</summary>
internal sealed record PreflightResult(
    string Account,
    string CallerArn,
    string Region,
    NetworkPlan? Network,
    Repository? Repository,
    string? RepositoryName)
{
    /// <summary>The cluster does not exist and <c>EcsCreateCluster</c> lets the deployment create it.</summary>
    public bool CreateCluster { get; init; }

    /// <summary>The account's default execution role (found, or to be created) when the task needs one and names none.</summary>
    public DefaultExecutionRolePlan? DefaultExecutionRole { get; init; }
}

/// <summary>
/// Read-only checks before anything changes: credentials, region and account; the cluster, then the deployment
/// strategy's own checks (for an ECS service: whether the existing one can be updated in place); the target group
/// against the task's network mode and port; subnets and security groups (one VPC), or the default VPC's; the ECR
/// repository; service discovery, Service Connect and auto scaling. Every finding names the property to fix; all
/// findings of a run are reported together.
/// </summary>
internal sealed class DeploymentPreflight(AwsSession aws, IDeploymentLog log)
{
    public async Task<PreflightResult> RunAsync(GeneratedDefinitions definitions, IServicePreflight strategy, string? repositoryName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(strategy);
        var settings = definitions.Settings;

        // The checks are independent reads, so they run together and the preflight costs about its slowest chain of
        // calls rather than the sum of them. Each keeps its own findings and log lines, reported afterwards in a fixed
        // order, so the output reads the same on every run. The identity comes first: when the credentials are bad,
        // every check fails alike, and its error is the one to show.
        var identityTask = AwsCalls.RunAsync("STS GetCallerIdentity", () => aws.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken));
        var serviceCheck = new Check();
        var serviceTask = CheckClusterAndStrategyAsync(definitions, strategy, serviceCheck, cancellationToken);
        var targetGroupCheck = new Check();
        var targetGroupTask = settings.TargetGroupArn is { } arn ? CheckTargetGroupAsync(arn, definitions, targetGroupCheck.Problems, cancellationToken) : Task.FromResult<TargetGroup?>(null);
        var networkCheck = new Check();
        var networkTask = definitions.TaskDefinition.NetworkMode?.Value == "awsvpc"
            ? ResolveNetworkAsync(definitions, networkCheck, cancellationToken)
            : Task.FromResult<NetworkPlan?>(null);
        var repositoryCheck = new Check();
        var repositoryTask = repositoryName is null ? Task.FromResult<Repository?>(null) : FindRepositoryAsync(repositoryName, settings, repositoryCheck.Problems, cancellationToken);
        var featureCheck = new Check();
        var featureTask = CheckFeaturesAsync(definitions, featureCheck, cancellationToken);
        var secretsCheck = new Check();
        var secretsTask = settings.Plan.CheckSecrets ? CheckSecretsAndRolesAsync(definitions, identityTask, secretsCheck, cancellationToken) : Task.CompletedTask;
        var roleCheck = new Check();
        var roleTask = ExecutionRoleNeed.ResolvedAtDeploy(settings, definitions.TaskDefinition, definitions.Target)
            ? new DefaultExecutionRole(aws, roleCheck.Log).FindAsync(settings, roleCheck.Problems, cancellationToken)
            : Task.FromResult<DefaultExecutionRolePlan?>(null);
        await Task.WhenAll(identityTask, serviceTask, targetGroupTask, networkTask, repositoryTask, featureTask, secretsTask, roleTask).ConfigureAwait(false);

        var identity = await identityTask.ConfigureAwait(false);
        var region = aws.Factory.ResolvedRegion.SystemName;
        log.Info($"EcsBuildTasks: deploying as {identity.Arn} (account {identity.Account}) in {region}{(aws.Factory.Settings.EndpointUrl is { } url ? $" via {url}" : string.Empty)}");
        var problems = new DiagnosticCollection();
        foreach (var check in new[] { serviceCheck, targetGroupCheck, networkCheck, repositoryCheck, featureCheck, secretsCheck, roleCheck })
        {
            check.Log.ReplayTo(log);
            problems.AddRange(check.Problems);
        }

        var network = await networkTask.ConfigureAwait(false);
        var repository = await repositoryTask.ConfigureAwait(false);

        foreach (var warning in problems.Where(p => !p.IsError))
        {
            log.Warning(warning);
        }

        if (problems.HasErrors)
        {
            throw new DeploymentException(problems.Where(p => p.IsError).ToList());
        }

        return new PreflightResult(identity.Account, identity.Arn, region, network, repository, repositoryName)
        {
            CreateCluster = await serviceTask.ConfigureAwait(false),
            DefaultExecutionRole = await roleTask.ConfigureAwait(false),
        };
    }

    /// <summary>The findings and log lines of one check that runs alongside the others.</summary>
    private sealed class Check
    {
        public DiagnosticCollection Problems { get; } = new();

        public BufferedDeploymentLog Log { get; } = new();
    }

    /// <summary>The cluster, then the strategy's own checks (which find the existing service, when it has one).</summary>
    /// <returns>True when the cluster is missing and the deployment creates it (the strategy's checks find no service in it).</returns>
    private async Task<bool> CheckClusterAndStrategyAsync(GeneratedDefinitions definitions, IServicePreflight strategy, Check check, CancellationToken cancellationToken)
    {
        var createCluster = await CheckClusterAsync(definitions.Service.Cluster!, definitions.Settings, check, cancellationToken).ConfigureAwait(false);
        await strategy.PreflightAsync(new ServicePreflightContext(aws, check.Log, definitions, check.Problems), cancellationToken).ConfigureAwait(false);
        return createCluster;
    }

    /// <summary>The secrets the tasks read and the roles they run with (once the account is known: another account's are not checked).</summary>
    private async Task CheckSecretsAndRolesAsync(GeneratedDefinitions definitions, Task<GetCallerIdentityResponse> identity, Check check, CancellationToken cancellationToken)
    {
        var account = (await identity.ConfigureAwait(false)).Account!;
        await new SecretsAndRolesPreflight(aws, check.Log).CheckAsync(definitions, account, aws.Factory.ResolvedRegion.SystemName, check.Problems, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Service discovery, Service Connect and auto scaling, in that order (one check: their lines read in sequence).</summary>
    private async Task CheckFeaturesAsync(GeneratedDefinitions definitions, Check check, CancellationToken cancellationToken)
    {
        var settings = definitions.Settings;
        if (settings.ServiceDiscovery is { } discovery)
        {
            await new ServiceDiscoveryPreflight(aws, check.Log).CheckAsync(definitions, discovery, check.Problems, cancellationToken).ConfigureAwait(false);
        }

        if (settings.ServiceConnect is { } serviceConnect)
        {
            await new ServiceConnectPreflight(aws).CheckAsync(serviceConnect, settings.ServiceDiscovery, check.Problems, cancellationToken).ConfigureAwait(false);
        }

        if (definitions.Service.SchedulingStrategy?.Value != "DAEMON" && definitions.Strategy.ConfiguresAutoScaling)
        {
            await new AutoScalingPreflight(aws, check.Log).CheckAsync(definitions, check.Problems, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>True when the cluster is missing and <c>EcsCreateCluster</c> lets the deployment create it.</returns>
    private async Task<bool> CheckClusterAsync(string cluster, EcsSettings settings, Check check, CancellationToken cancellationToken)
    {
        var response = await AwsCalls.RunAsync("ECS DescribeClusters", () => aws.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = [cluster] }, cancellationToken)).ConfigureAwait(false);
        var found = response.Clusters?.FirstOrDefault();
        if (found is not null && found.Status == "ACTIVE")
        {
            return false;
        }

        // An INACTIVE cluster is a deleted one: ECS creates it again under the same name.
        if (settings.CreateCluster && !cluster.StartsWith("arn:", StringComparison.Ordinal))
        {
            check.Log.Info($"EcsBuildTasks: cluster {cluster} does not exist: the deployment creates it ({EcsProperties.CreateCluster}=true)");
            return true;
        }

        check.Problems.Error(DiagnosticCodes.ClusterNotFound, EcsProperties.Cluster, found is null
            ? $"{EcsProperties.Cluster}={cluster}: the cluster does not exist in this account and region: create it with aws ecs create-cluster --cluster-name {cluster} --capacity-providers FARGATE FARGATE_SPOT, or let the build create it ({EcsProperties.CreateCluster}=true)."
            : $"{EcsProperties.Cluster}={cluster}: the cluster is {found.Status}, not ACTIVE: create it again with aws ecs create-cluster --cluster-name {cluster}, or let the build create it ({EcsProperties.CreateCluster}=true).");
        return false;
    }

    private async Task<TargetGroup?> CheckTargetGroupAsync(string arn, GeneratedDefinitions definitions, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        TargetGroup? group;
        try
        {
            var response = await AwsCalls.RunAsync("ELBv2 DescribeTargetGroups", () => aws.ElasticLoadBalancing.DescribeTargetGroupsAsync(new DescribeTargetGroupsRequest { TargetGroupArns = [arn] }, cancellationToken)).ConfigureAwait(false);
            group = response.TargetGroups?.FirstOrDefault();
        }
        catch (DeploymentException ex) when (ex.InnerException is EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.TargetGroupNotFoundException)
        {
            group = null;
        }

        if (group is null)
        {
            problems.Error(DiagnosticCodes.TargetGroupNotFound, EcsProperties.TargetGroupArn, $"{EcsProperties.TargetGroupArn}={arn}: the target group does not exist in this account and region.");
            return null;
        }

        var networkMode = definitions.TaskDefinition.NetworkMode?.Value;
        var expectedType = networkMode == "awsvpc" ? "ip" : "instance";
        if (group.TargetType?.Value is { } type && type != expectedType)
        {
            problems.Error(DiagnosticCodes.TargetGroupTypeMismatch, EcsProperties.TargetGroupArn,
                $"{EcsProperties.TargetGroupArn}: target group {group.TargetGroupName} has target type '{type}', but tasks in the {networkMode} network mode register as '{expectedType}' targets. Use a target group of type '{expectedType}' or change {EcsProperties.NetworkMode}.");
        }

        if (group.LoadBalancerArns is not { Count: > 0 })
        {
            problems.Error(DiagnosticCodes.TargetGroupWithoutLoadBalancer, EcsProperties.TargetGroupArn,
                $"{EcsProperties.TargetGroupArn}: target group {group.TargetGroupName} is not used by any load balancer listener or rule; ECS only attaches services to target groups a load balancer forwards to.");
        }

        var containerPort = definitions.Service.LoadBalancers?.FirstOrDefault(lb => lb.TargetGroupArn == arn)?.ContainerPort;
        if (containerPort is { } port && group.Port is { } groupPort && groupPort != port)
        {
            problems.Warning(DiagnosticCodes.TargetGroupPortDiffers, EcsProperties.ContainerPort,
                $"{EcsProperties.ContainerPort}={port}: target group {group.TargetGroupName} is on port {groupPort}. ECS registers tasks on the container port, so traffic works, but health checks on 'traffic-port' and the console will show {port}; align them to avoid surprises.");
        }

        return group;
    }

    private async Task<NetworkPlan?> ResolveNetworkAsync(GeneratedDefinitions definitions, Check check, CancellationToken cancellationToken)
    {
        var problems = check.Problems;
        var awsvpc = definitions.Service.NetworkConfiguration?.AwsvpcConfiguration;
        var subnets = awsvpc?.Subnets ?? [];
        var groups = awsvpc?.SecurityGroups ?? [];
        if (subnets.Count == 0)
        {
            return await DefaultVpcNetworkAsync(check, cancellationToken).ConfigureAwait(false);
        }

        var vpcs = new Dictionary<string, string>(StringComparer.Ordinal);
        var found = await AwsCalls.RunAsync("EC2 DescribeSubnets", () => aws.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("subnet-id", [.. subnets])] }, cancellationToken)).ConfigureAwait(false);
        foreach (var subnet in subnets)
        {
            var match = found.Subnets?.FirstOrDefault(s => s.SubnetId == subnet);
            if (match is null)
            {
                problems.Error(DiagnosticCodes.SubnetNotFound, EcsProperties.Subnets, $"{EcsProperties.Subnets}: subnet {subnet} does not exist in this account and region.");
            }
            else
            {
                vpcs[subnet] = match.VpcId!;
            }
        }

        if (groups.Count > 0)
        {
            var foundGroups = await AwsCalls.RunAsync("EC2 DescribeSecurityGroups", () => aws.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-id", [.. groups])] }, cancellationToken)).ConfigureAwait(false);
            foreach (var group in groups)
            {
                var match = foundGroups.SecurityGroups?.FirstOrDefault(g => g.GroupId == group);
                if (match is null)
                {
                    problems.Error(DiagnosticCodes.SecurityGroupNotFound, EcsProperties.SecurityGroups, $"{EcsProperties.SecurityGroups}: security group {group} does not exist in this account and region.");
                }
                else
                {
                    vpcs[group] = match.VpcId!;
                }
            }
        }

        var distinct = vpcs.Values.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            problems.Error(DiagnosticCodes.NetworkInDifferentVpcs, EcsProperties.Subnets,
                $"{EcsProperties.Subnets} and {EcsProperties.SecurityGroups} span several VPCs ({string.Join("; ", vpcs.GroupBy(v => v.Value).Select(g => $"{g.Key}: {string.Join(", ", g.Select(v => v.Key))}"))}); a task's network interface lives in one VPC.");
        }

        return new NetworkPlan(subnets, groups, distinct.FirstOrDefault(), FromDefaultVpc: false);
    }

    private async Task<NetworkPlan?> DefaultVpcNetworkAsync(Check check, CancellationToken cancellationToken)
    {
        var problems = check.Problems;
        var vpcs = await AwsCalls.RunAsync("EC2 DescribeVpcs", () => aws.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] }, cancellationToken)).ConfigureAwait(false);
        var vpc = vpcs.Vpcs?.FirstOrDefault();
        if (vpc is null)
        {
            problems.Error(DiagnosticCodes.NoDefaultVpc, EcsProperties.Subnets, FirstHourMessages.NoDefaultVpc(aws.Factory.ResolvedRegion.SystemName));
            return null;
        }

        var subnets = await AwsCalls.RunAsync("EC2 DescribeSubnets", () => aws.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!]), new Filter("default-for-az", ["true"])] }, cancellationToken)).ConfigureAwait(false);
        var groups = await AwsCalls.RunAsync("EC2 DescribeSecurityGroups", () => aws.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId!]), new Filter("group-name", ["default"])] }, cancellationToken)).ConfigureAwait(false);
        var subnetIds = (subnets.Subnets ?? []).Select(s => s.SubnetId).OfType<string>().Order(StringComparer.Ordinal).Take(16).ToList();
        var groupIds = (groups.SecurityGroups ?? []).Select(g => g.GroupId).OfType<string>().Take(1).ToList();
        if (subnetIds.Count == 0)
        {
            problems.Error(DiagnosticCodes.NoDefaultVpc, EcsProperties.Subnets, $"The default VPC {vpc.VpcId} has no default subnets: set {EcsProperties.Subnets}.");
            return null;
        }

        check.Log.Info($"EcsBuildTasks: no {EcsProperties.Subnets} given: using the default VPC {vpc.VpcId}: subnets {string.Join(", ", subnetIds)}; security group {string.Join(", ", groupIds)}");
        return new NetworkPlan(subnetIds, groupIds, vpc.VpcId, FromDefaultVpc: true);
    }

    private async Task<Repository?> FindRepositoryAsync(string name, EcsSettings settings, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ECR DescribeRepositories", () => aws.Ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [name] }, cancellationToken)).ConfigureAwait(false);
            return response.Repositories?.FirstOrDefault();
        }
        catch (DeploymentException ex) when (ex.InnerException is RepositoryNotFoundException)
        {
            if (!settings.CreateEcrRepository)
            {
                problems.Error(DiagnosticCodes.RepositoryMissing, EcsProperties.CreateEcrRepository,
                    $"The ECR repository '{name}' does not exist and {EcsProperties.CreateEcrRepository}=false: create it (aws ecr create-repository --repository-name {name}) or allow the build to create it.");
            }

            return null;
        }
    }
}
