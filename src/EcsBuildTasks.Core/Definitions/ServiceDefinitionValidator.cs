using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Checks the final service definition against ECS's rules before anything is built or changed: the service and
/// cluster names, the network configuration against the task's network mode, scheduling and placement, the deployment
/// configuration, load balancers, service registries and tags. What a deployment strategy asks of the service is
/// checked by the strategy itself. Each finding names the property (or template member) the value came from.
/// </summary>
internal static partial class ServiceDefinitionValidator
{
    private const int MaxSubnets = 16;
    private const int MaxSecurityGroups = 5;

    public static void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics) =>
        new Context(definitions.Settings, definitions.TaskDefinition, definitions.Service, definitions.Target, diagnostics).Run();

    [GeneratedRegex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")]
    private static partial Regex SubnetId();

    [GeneratedRegex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$")]
    private static partial Regex SecurityGroupId();

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    private static partial Regex TargetGroupArn();

    [GeneratedRegex(@"^[\w .:/=+\-@#]{1,255}$")]
    private static partial Regex AlarmName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$|^LATEST$")]
    private static partial Regex PlatformVersion();

    private sealed class Context(EcsSettings settings, RegisterTaskDefinitionRequest task, CreateServiceRequest service, LaunchTarget target, DiagnosticCollection diagnostics)
    {
        private bool IsDaemon => service.SchedulingStrategy?.Value == "DAEMON";

        private string? NetworkMode => task.NetworkMode?.Value;

        public void Run()
        {
            ValidateNames();
            ValidateNetwork();
            ValidateScheduling();
            ValidateDeploymentConfiguration();
            ValidateLoadBalancers();
            ValidateServiceRegistries();
            ValidateTags();
        }

        private void ValidateNames()
        {
            if (!EcsNames.IsValid(service.ServiceName))
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.ServiceName, settings.ServiceName, "serviceName");
                diagnostics.Error(DiagnosticCodes.InvalidServiceName, subject,
                    service.ServiceName is null
                        ? $"No service name: set {EcsProperties.ServiceName} (or ContainerRepository, which it defaults from)."
                        : $"{subject}='{service.ServiceName}' is not a valid service name: use 1–255 letters, digits, '-' and '_'.");
            }

            if (!EcsNames.IsValid(service.Cluster))
            {
                if (service.Cluster is null || !service.Cluster.StartsWith("arn:", StringComparison.Ordinal))
                {
                    var subject = DefinitionSubjects.Service(settings, EcsProperties.Cluster, settings.Cluster, "cluster");
                    diagnostics.Error(DiagnosticCodes.InvalidClusterName, subject, $"{subject}='{service.Cluster}' is not a valid cluster name or ARN: use 1–255 letters, digits, '-' and '_'.");
                }
            }
        }

        private void ValidateNetwork()
        {
            var awsvpc = service.NetworkConfiguration?.AwsvpcConfiguration;
            var subnets = awsvpc?.Subnets ?? [];
            var groups = awsvpc?.SecurityGroups ?? [];
            var subnetSubject = DefinitionSubjects.Service(settings, EcsProperties.Subnets, settings.Subnets.Count > 0 ? "set" : null, "networkConfiguration.awsvpcConfiguration.subnets");
            var groupSubject = DefinitionSubjects.Service(settings, EcsProperties.SecurityGroups, settings.SecurityGroups.Count > 0 ? "set" : null, "networkConfiguration.awsvpcConfiguration.securityGroups");
            if (NetworkMode != "awsvpc" && (subnets.Count > 0 || groups.Count > 0))
            {
                diagnostics.Error(DiagnosticCodes.NetworkConfigurationNotAwsvpc, subnetSubject,
                    $"{EcsProperties.Subnets} and {EcsProperties.SecurityGroups} apply to the awsvpc network mode only, but the task uses '{NetworkMode}' ({EcsProperties.NetworkMode}).");
            }

            if (subnets.Count > MaxSubnets)
            {
                diagnostics.Error(DiagnosticCodes.TooManySubnets, subnetSubject, $"{subnetSubject} lists {subnets.Count} subnets; ECS allows at most {MaxSubnets}.");
            }

            foreach (var subnet in subnets.Where(s => !SubnetId().IsMatch(s)))
            {
                diagnostics.Error(DiagnosticCodes.SubnetIdInvalid, subnetSubject, $"{subnetSubject}: '{subnet}' is not a subnet id (subnet- followed by 8 or 17 hex digits).");
            }

            if (groups.Count > MaxSecurityGroups)
            {
                diagnostics.Error(DiagnosticCodes.TooManySecurityGroups, groupSubject, $"{groupSubject} lists {groups.Count} security groups; ECS allows at most {MaxSecurityGroups}.");
            }

            foreach (var group in groups.Where(g => !SecurityGroupId().IsMatch(g)))
            {
                diagnostics.Error(DiagnosticCodes.SecurityGroupIdInvalid, groupSubject, $"{groupSubject}: '{group}' is not a security group id (sg- followed by 8 or 17 hex digits).");
            }

            if (awsvpc?.AssignPublicIp?.Value == "ENABLED" && !target.IsFargate)
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.AssignPublicIp, settings.AssignPublicIp, "networkConfiguration.awsvpcConfiguration.assignPublicIp");
                diagnostics.Error(DiagnosticCodes.AssignPublicIpNotFargate, subject, $"{subject}=ENABLED: ECS assigns public IPs to Fargate tasks only.");
            }

            if (target.IsExternal && NetworkMode == "awsvpc")
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.NetworkMode, settings.NetworkMode, "networkMode");
                diagnostics.Error(DiagnosticCodes.NetworkModeInvalid, subject, $"{subject}=awsvpc is not supported on the EXTERNAL launch type; use bridge, host or none.");
            }
        }

        private void ValidateScheduling()
        {
            var strategySubject = DefinitionSubjects.Service(settings, EcsProperties.SchedulingStrategy, settings.SchedulingStrategy, "schedulingStrategy");
            if (IsDaemon && target.IsFargate)
            {
                diagnostics.Error(DiagnosticCodes.DaemonOnFargate, strategySubject, $"{strategySubject}=DAEMON runs one task per EC2 container instance and is not available on Fargate; set {EcsProperties.LaunchType}=EC2.");
            }

            if (IsDaemon && service.DesiredCount is not null)
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.DesiredCount, settings.DesiredCount, "desiredCount");
                diagnostics.Error(DiagnosticCodes.DaemonWithDesiredCount, subject, $"{subject}={service.DesiredCount}: a DAEMON service runs one task per container instance and takes no desired count.");
            }

            if (settings.LaunchType is not null && settings.CapacityProviders.Count > 0)
            {
                diagnostics.Error(DiagnosticCodes.LaunchTypeWithCapacityProviders, EcsProperties.LaunchType,
                    $"{EcsProperties.LaunchType}={settings.LaunchType} and {EcsProperties.CapacityProviderItem} items are exclusive: remove one.");
            }

            var providers = service.CapacityProviderStrategy ?? [];
            if (providers.Count(p => p.Base is > 0) > 1)
            {
                diagnostics.Error(DiagnosticCodes.CapacityProviderInvalid, EcsProperties.CapacityProviderItem, $"Only one {EcsProperties.CapacityProviderItem} may have a Base.");
            }

            if (providers.Count > 0 && providers.TrueForAll(p => (p.Weight ?? 0) == 0))
            {
                diagnostics.Error(DiagnosticCodes.CapacityProviderInvalid, EcsProperties.CapacityProviderItem, $"At least one {EcsProperties.CapacityProviderItem} needs a Weight above 0.");
            }

            if (providers.Exists(p => p.CapacityProvider is "FARGATE" or "FARGATE_SPOT") && providers.Exists(p => p.CapacityProvider is not ("FARGATE" or "FARGATE_SPOT")))
            {
                diagnostics.Error(DiagnosticCodes.CapacityProviderInvalid, EcsProperties.CapacityProviderItem, $"{EcsProperties.CapacityProviderItem} items mix Fargate and Auto Scaling group capacity providers; ECS does not allow that.");
            }

            if (service.DesiredCount is < 0)
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.DesiredCount, settings.DesiredCount, "desiredCount");
                diagnostics.Error(DiagnosticCodes.DesiredCountInvalid, subject, $"{subject}={service.DesiredCount} must be 0 or more.");
            }

            if (service.PlatformVersion is { } version)
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.PlatformVersion, settings.PlatformVersion, "platformVersion");
                if (!target.IsFargate)
                {
                    diagnostics.Error(DiagnosticCodes.PlatformVersionNotFargate, subject, $"{subject}={version} applies to Fargate only.");
                }
                else if (!PlatformVersion().IsMatch(version))
                {
                    diagnostics.Error(DiagnosticCodes.PlatformVersionNotFargate, subject, $"{subject}='{version}' is not a platform version such as 1.4.0 or LATEST.");
                }
            }

            foreach (var constraint in service.PlacementConstraints ?? [])
            {
                if (constraint.Type?.Value == "memberOf" && string.IsNullOrWhiteSpace(constraint.Expression))
                {
                    diagnostics.Error(DiagnosticCodes.PlacementInvalid, EcsProperties.PlacementConstraintItem, $"{EcsProperties.PlacementConstraintItem} 'memberOf' needs an Expression (cluster query language).");
                }

                if (constraint.Type?.Value == "distinctInstance" && !string.IsNullOrWhiteSpace(constraint.Expression))
                {
                    diagnostics.Error(DiagnosticCodes.PlacementInvalid, EcsProperties.PlacementConstraintItem, $"{EcsProperties.PlacementConstraintItem} 'distinctInstance' takes no Expression.");
                }
            }

            foreach (var strategy in service.PlacementStrategy ?? [])
            {
                if (strategy.Type?.Value is "spread" or "binpack" && string.IsNullOrWhiteSpace(strategy.Field))
                {
                    diagnostics.Error(DiagnosticCodes.PlacementInvalid, EcsProperties.PlacementStrategyItem, $"{EcsProperties.PlacementStrategyItem} '{strategy.Type?.Value}' needs a Field (e.g. attribute:ecs.availability-zone, memory or cpu).");
                }
            }

            if (target.IsFargate && ((service.PlacementConstraints?.Count ?? 0) > 0 || (service.PlacementStrategy?.Count ?? 0) > 0))
            {
                diagnostics.Error(DiagnosticCodes.PlacementInvalid, EcsProperties.PlacementStrategyItem, $"{EcsProperties.PlacementConstraintItem} and {EcsProperties.PlacementStrategyItem} apply to EC2 and EXTERNAL tasks, not Fargate.");
            }
        }

        private void ValidateDeploymentConfiguration()
        {
            var configuration = service.DeploymentConfiguration;
            var min = configuration?.MinimumHealthyPercent;
            var max = configuration?.MaximumPercent;
            var minSubject = DefinitionSubjects.Service(settings, EcsProperties.MinimumHealthyPercent, settings.MinimumHealthyPercent, "deploymentConfiguration.minimumHealthyPercent");
            var maxSubject = DefinitionSubjects.Service(settings, EcsProperties.MaximumPercent, settings.MaximumPercent, "deploymentConfiguration.maximumPercent");
            if (min is < 0 or > 100)
            {
                diagnostics.Error(DiagnosticCodes.MinimumHealthyPercentOutOfRange, minSubject, $"{minSubject}={min} must be between 0 and 100.");
            }

            if (IsDaemon && max is { } daemonMax && daemonMax != 100)
            {
                diagnostics.Error(DiagnosticCodes.DaemonDeploymentPercent, maxSubject, $"{maxSubject}={daemonMax}: a DAEMON service keeps maximumPercent at 100 (it replaces tasks in place).");
            }
            else if (max is { } m && (m < 100 || (min is { } low && m < low)))
            {
                diagnostics.Error(DiagnosticCodes.MaximumPercentOutOfRange, maxSubject, $"{maxSubject}={m} must be at least 100 and at least {minSubject} ({min ?? 100}).");
            }

            if (configuration?.Alarms is { } alarms)
            {
                foreach (var name in alarms.AlarmNames ?? [])
                {
                    if (!AlarmName().IsMatch(name))
                    {
                        diagnostics.Error(DiagnosticCodes.AlarmInvalid, $"{EcsProperties.AlarmItem} '{name}'", $"{EcsProperties.AlarmItem} '{name}' is not a valid CloudWatch alarm name (1–255 printable characters).");
                    }
                }
            }

            if (service.HealthCheckGracePeriodSeconds is { } grace && (grace < 0 || grace > 2_147_483_647))
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.HealthCheckGracePeriodSeconds, settings.HealthCheckGracePeriodSeconds, "healthCheckGracePeriodSeconds");
                diagnostics.Error(DiagnosticCodes.HealthCheckGracePeriodInvalid, subject, $"{subject}={grace} must be 0 or more.");
            }
        }

        private void ValidateLoadBalancers()
        {
            foreach (var balancer in service.LoadBalancers ?? [])
            {
                var fromProperty = balancer.TargetGroupArn == settings.TargetGroupArn;
                var subject = fromProperty ? EcsProperties.TargetGroupArn : $"loadBalancers in {EcsProperties.ServiceDefinitionTemplate}";
                if (balancer.TargetGroupArn is { } arn && !TargetGroupArn().IsMatch(arn))
                {
                    diagnostics.Error(DiagnosticCodes.TargetGroupArnInvalid, subject, $"{subject}='{arn}' is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>).");
                }

                var container = task.ContainerDefinitions?.Find(c => c.Name == balancer.ContainerName);
                var portSubject = fromProperty ? EcsProperties.ContainerPort : subject;
                if (container is null)
                {
                    diagnostics.Error(DiagnosticCodes.LoadBalancerPortMismatch, portSubject, $"{portSubject}: the load balancer sends traffic to container '{balancer.ContainerName}', which the task definition does not have.");
                }
                else if (balancer.ContainerPort is not { } port)
                {
                    diagnostics.Error(DiagnosticCodes.LoadBalancerPortMismatch, portSubject,
                        $"{portSubject}: container '{container.Name}' maps no port for the target group; add a ContainerPort item (or set {EcsProperties.ContainerPort}).");
                }
                else if (!(container.PortMappings ?? []).Exists(m => m.ContainerPort == port))
                {
                    diagnostics.Error(DiagnosticCodes.LoadBalancerPortMismatch, portSubject,
                        $"{portSubject}={port}: no port mapping of container '{container.Name}' matches; mapped ports: {string.Join(", ", (container.PortMappings ?? []).Select(m => m.ContainerPort))}.");
                }
            }
        }

        private void ValidateServiceRegistries()
        {
            foreach (var registry in service.ServiceRegistries ?? [])
            {
                var subject = $"serviceRegistries in {EcsProperties.ServiceDefinitionTemplate}";
                var hasContainer = registry.ContainerName is not null || registry.ContainerPort is not null;
                if (registry.ContainerName is not null != registry.ContainerPort is not null)
                {
                    diagnostics.Error(DiagnosticCodes.ServiceRegistryInvalid, subject, $"{subject}: containerName and containerPort go together.");
                }

                if (hasContainer && registry.Port is not null)
                {
                    diagnostics.Error(DiagnosticCodes.ServiceRegistryInvalid, subject, $"{subject}: give either port or containerName with containerPort, not both.");
                }

                if (NetworkMode is "bridge" or "host" && registry.Port is not null)
                {
                    diagnostics.Error(DiagnosticCodes.ServiceRegistryInvalid, subject, $"{subject}: with the {NetworkMode} network mode an SRV record needs containerName and containerPort, not port.");
                }

                if (registry.ContainerName is { } name)
                {
                    var container = task.ContainerDefinitions?.Find(c => c.Name == name);
                    if (container is null)
                    {
                        diagnostics.Error(DiagnosticCodes.ServiceRegistryInvalid, subject, $"{subject}: container '{name}' is not in the task definition.");
                    }
                    else if (registry.ContainerPort is { } port && !(container.PortMappings ?? []).Exists(m => m.ContainerPort == port))
                    {
                        diagnostics.Error(DiagnosticCodes.ServiceRegistryInvalid, subject, $"{subject}: container '{name}' maps no port {port}.");
                    }
                }
            }
        }

        private void ValidateTags() => TagRules.Validate(service.Tags, "service", diagnostics);
    }
}
