using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Builds the <c>CreateServiceRequest</c> (the input of <c>aws ecs create-service --cli-input-json</c>): the template first,
/// then the properties the user set, then defaults. The deployment strategy and the features write their parts
/// afterwards (<see cref="IDefinitionContributor"/>).
/// </summary>
internal static class ServiceDefinitionBuilder
{
    public const string DefaultCluster = "default";

    public static CreateServiceRequest Build(EcsSettings settings, CreateServiceRequest? template, LaunchTarget target, RegisterTaskDefinitionRequest taskDefinition)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(taskDefinition);
        var request = template ?? new CreateServiceRequest();
        request.Cluster = settings.Cluster ?? request.Cluster ?? DefaultCluster;
        request.ServiceName = settings.ServiceName ?? request.ServiceName ?? settings.DefaultName;
        request.TaskDefinition = taskDefinition.Family;
        request.LaunchType = target.LaunchType is { } launchType ? (LaunchType)launchType : null;
        request.CapacityProviderStrategy = target.CapacityProviders.Count > 0 ? [.. target.CapacityProviders] : null;
        request.PlatformVersion = settings.PlatformVersion ?? request.PlatformVersion;
        request.SchedulingStrategy = settings.SchedulingStrategy ?? request.SchedulingStrategy?.Value ?? "REPLICA";
        var isDaemon = request.SchedulingStrategy.Value == "DAEMON";
        request.DesiredCount = settings.DesiredCount ?? request.DesiredCount ?? (isDaemon ? null : 1);
        request.DeploymentConfiguration = BuildDeploymentConfiguration(settings, request.DeploymentConfiguration);
        request.NetworkConfiguration = BuildNetworkConfiguration(settings, request.NetworkConfiguration, taskDefinition, target);
        request.LoadBalancers = BuildLoadBalancers(settings, request.LoadBalancers, taskDefinition);
        request.HealthCheckGracePeriodSeconds = settings.HealthCheckGracePeriodSeconds ?? request.HealthCheckGracePeriodSeconds;
        request.EnableExecuteCommand = settings.EnableExecuteCommand ?? request.EnableExecuteCommand;
        request.PropagateTags = settings.PropagateTags ?? request.PropagateTags?.Value ?? "SERVICE";
        request.EnableECSManagedTags = settings.EnableEcsManagedTags ?? request.EnableECSManagedTags ?? true;
        request.Tags = TaskDefinitionBuilder.MergeTags(request.Tags, settings.Tags);
        if (settings.PlacementConstraints.Count > 0)
        {
            request.PlacementConstraints = settings.PlacementConstraints.Select(p => new PlacementConstraint { Type = p.Type, Expression = p.Value }).ToList();
        }

        if (settings.PlacementStrategies.Count > 0)
        {
            request.PlacementStrategy = settings.PlacementStrategies.Select(p => new PlacementStrategy { Type = p.Type, Field = p.Value }).ToList();
        }

        return request;
    }

    private static DeploymentConfiguration BuildDeploymentConfiguration(EcsSettings settings, DeploymentConfiguration? existing)
    {
        var configuration = existing ?? new DeploymentConfiguration();
        configuration.MinimumHealthyPercent = settings.MinimumHealthyPercent ?? configuration.MinimumHealthyPercent;
        configuration.MaximumPercent = settings.MaximumPercent ?? configuration.MaximumPercent;

        var breaker = configuration.DeploymentCircuitBreaker ?? new DeploymentCircuitBreaker();
        breaker.Enable = settings.CircuitBreaker ?? breaker.Enable ?? true;
        breaker.Rollback = settings.CircuitBreakerRollback ?? breaker.Rollback ?? true;
        if (settings.CircuitBreakerThreshold is { } threshold)
        {
            breaker.ThresholdConfiguration = new ThresholdConfiguration { Type = threshold.Type, Value = threshold.Value };
        }

        configuration.DeploymentCircuitBreaker = breaker;
        if (settings.Alarms.Count > 0)
        {
            configuration.Alarms = new DeploymentAlarms
            {
                AlarmNames = [.. settings.Alarms],
                Enable = true,
                Rollback = settings.AlarmRollback ?? true,
            };
        }
        else if (settings.AlarmRollback is { } rollback && configuration.Alarms is not null)
        {
            configuration.Alarms.Rollback = rollback;
        }

        return configuration;
    }

    private static NetworkConfiguration? BuildNetworkConfiguration(EcsSettings settings, NetworkConfiguration? existing, RegisterTaskDefinitionRequest taskDefinition, LaunchTarget target)
    {
        var awsvpc = existing?.AwsvpcConfiguration;
        var subnets = settings.Subnets.Count > 0 ? [.. settings.Subnets] : awsvpc?.Subnets;
        var securityGroups = settings.SecurityGroups.Count > 0 ? [.. settings.SecurityGroups] : awsvpc?.SecurityGroups;
        if (taskDefinition.NetworkMode?.Value != "awsvpc")
        {
            // Kept so the validator can report subnets on a non-awsvpc task (ECS0144) instead of silently dropping them.
            return subnets is { Count: > 0 } || securityGroups is { Count: > 0 }
                ? new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = subnets, SecurityGroups = securityGroups } }
                : null;
        }

        if (subnets is not { Count: > 0 })
        {
            // The deployment fills in the default VPC's subnets and security group; the dry run says so.
            return null;
        }

        // Default-VPC subnets are public subnets without a NAT: a Fargate task there needs a public IP to pull its image.
        var assignPublicIp = settings.AssignPublicIp ?? awsvpc?.AssignPublicIp?.Value ?? (settings.UsesDefaultVpc && target.IsFargate ? "ENABLED" : "DISABLED");
        return new NetworkConfiguration
        {
            AwsvpcConfiguration = new AwsVpcConfiguration
            {
                Subnets = subnets,
                SecurityGroups = securityGroups,
                AssignPublicIp = target.IsFargate || settings.AssignPublicIp is not null || awsvpc?.AssignPublicIp is not null ? (AssignPublicIp)assignPublicIp : null,
            },
        };
    }

    private static List<LoadBalancer>? BuildLoadBalancers(EcsSettings settings, List<LoadBalancer>? existing, RegisterTaskDefinitionRequest taskDefinition)
    {
        if (settings.TargetGroupArn is null)
        {
            return existing;
        }

        var container = TaskDefinitionBuilder.MainContainer(settings, taskDefinition);
        var port = settings.LoadBalancerContainerPort ?? container.PortMappings?.FirstOrDefault()?.ContainerPort;
        var result = existing ?? [];
        result.RemoveAll(lb => string.Equals(lb.TargetGroupArn, settings.TargetGroupArn, StringComparison.Ordinal));
        result.Insert(0, new LoadBalancer { TargetGroupArn = settings.TargetGroupArn, ContainerName = container.Name, ContainerPort = port });
        return result;
    }
}
