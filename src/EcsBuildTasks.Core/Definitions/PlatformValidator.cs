using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Checks the service discovery, Service Connect, auto scaling and one-off task settings against the generated task and
/// service definitions (network mode, port mappings, containers, strategy), before anything is built or changed.
/// </summary>
public static partial class PlatformValidator
{
    public static void Validate(EcsSettings settings, RegisterTaskDefinitionRequest task, CreateServiceRequest service, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var container = TaskDefinitionBuilder.MainContainer(settings, task);
        var platform = settings.Platform;
        if (platform.ServiceDiscovery is { } discovery)
        {
            ValidateServiceDiscovery(settings, discovery, task, container, diagnostics);
        }

        if (platform.ServiceConnect is { } serviceConnect)
        {
            ValidateServiceConnect(settings, serviceConnect, container, diagnostics);
        }

        if (platform.AutoScaling is { } scaling)
        {
            ValidateAutoScaling(settings, scaling, service, diagnostics);
        }

        foreach (var oneOff in platform.PreDeployTasks.Append(platform.RunTask))
        {
            ValidateOneOffTask(settings, oneOff, task, diagnostics);
        }
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    private static partial Regex TargetGroupArn();

    private static void ValidateServiceDiscovery(EcsSettings settings, ServiceDiscoverySettings discovery, RegisterTaskDefinitionRequest task, ContainerDefinition container, DiagnosticCollection diagnostics)
    {
        var networkMode = task.NetworkMode?.Value;
        var recordType = discovery.RecordType ?? ServiceRegistryRules.DefaultRecordType(networkMode);
        if (discovery.RegistryArn is null && recordType == DnsRecordKind.A && networkMode != "awsvpc")
        {
            var subject = discovery.RecordType is null ? EcsProperties.NetworkMode : EcsProperties.ServiceDiscoveryDnsRecordType;
            diagnostics.Error(DiagnosticCodes.DnsRecordTypeMismatch, subject,
                $"{EcsProperties.ServiceDiscoveryDnsRecordType}=A registers task IP addresses, which only awsvpc tasks have; the task uses the {networkMode} network mode ({EcsProperties.NetworkMode}). Use SRV records or the awsvpc network mode.");
        }

        var needsPort = networkMode is "bridge" or "host" || recordType == DnsRecordKind.Srv;
        var port = ServiceRegistryRules.Port(settings, discovery, container);
        var portSubject = discovery.ContainerPort is not null ? EcsProperties.ServiceDiscoveryContainerPort : EcsProperties.ContainerPort;
        if (needsPort && port is null)
        {
            diagnostics.Error(DiagnosticCodes.ServiceDiscoveryPortInvalid, EcsProperties.ServiceDiscoveryContainerPort,
                $"{EcsProperties.ServiceDiscoveryContainerPort}: SRV records (and bridge or host tasks) register a port, but container '{container.Name}' maps none; add a ContainerPort item or set {EcsProperties.ServiceDiscoveryContainerPort}.");
        }
        else if (port is { } p && (needsPort || discovery.ContainerPort is not null) && !(container.PortMappings ?? []).Exists(m => m.ContainerPort == p))
        {
            diagnostics.Error(DiagnosticCodes.ServiceDiscoveryPortInvalid, portSubject,
                $"{portSubject}={p}: container '{container.Name}' has no such port mapping; mapped ports: {string.Join(", ", (container.PortMappings ?? []).Select(m => m.ContainerPort))}.");
        }

        if (discovery.CreateNamespace && networkMode != "awsvpc")
        {
            diagnostics.Error(DiagnosticCodes.NamespaceCreationNotPossible, EcsProperties.CreateServiceDiscoveryNamespace,
                $"{EcsProperties.CreateServiceDiscoveryNamespace}=true creates the namespace in the VPC of the service's subnets, and a task in the {networkMode} network mode has none: create the namespace yourself and set {EcsProperties.ServiceDiscoveryNamespace} to it.");
        }
    }

    private static void ValidateServiceConnect(EcsSettings settings, ServiceConnectSettings serviceConnect, ContainerDefinition container, DiagnosticCollection diagnostics)
    {
        var claimed = new Dictionary<int, string>();
        foreach (var endpoint in serviceConnect.Services)
        {
            var subject = $"{EcsProperties.ServiceConnectServiceItem} '{endpoint.PortName}'";
            var port = endpoint.ContainerPort ?? PlatformDefinitions.DefaultContainerPort(settings, container);
            if (port is null || !(container.PortMappings ?? []).Exists(m => m.ContainerPort == port))
            {
                diagnostics.Error(DiagnosticCodes.ServiceConnectPortInvalid, subject, port is null
                    ? $"{subject}: container '{container.Name}' maps no port to name; add a ContainerPort item or give the item a ContainerPort."
                    : $"{subject} names port {port}, which container '{container.Name}' does not map; mapped ports: {string.Join(", ", (container.PortMappings ?? []).Select(m => m.ContainerPort))}.");
                continue;
            }

            if (claimed.TryGetValue(port.Value, out var other))
            {
                diagnostics.Error(DiagnosticCodes.ServiceConnectNameInvalid, subject,
                    $"{subject} and {EcsProperties.ServiceConnectServiceItem} '{other}' both name port {port}; a port mapping has one name. Give one of them another ContainerPort.");
            }

            claimed[port.Value] = endpoint.PortName;
        }

        if (serviceConnect.TestTrafficHeader is not null && settings.DeploymentStrategy == DeploymentStrategyKind.Rolling)
        {
            diagnostics.Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
                $"{EcsProperties.ServiceConnectTestTrafficHeader} routes test traffic to the new revision while a BlueGreen, Canary or Linear deployment runs; {EcsProperties.DeploymentStrategy} is Rolling, which has no test traffic.");
        }
    }

    private static void ValidateAutoScaling(EcsSettings settings, AutoScalingSettings scaling, CreateServiceRequest service, DiagnosticCollection diagnostics)
    {
        if (service.SchedulingStrategy?.Value == "DAEMON")
        {
            diagnostics.Error(DiagnosticCodes.AutoScalingOnDaemon, EcsProperties.AutoScalingMinCapacity,
                $"{EcsProperties.AutoScalingMinCapacity}, {EcsProperties.AutoScalingMaxCapacity} and scaling items apply to REPLICA services; a DAEMON service runs one task per container instance.");
        }

        if (settings.DesiredCount is { } desired && scaling.MinCapacity is { } min && scaling.MaxCapacity is { } max && (desired < min || desired > max))
        {
            diagnostics.Error(DiagnosticCodes.DesiredCountOutsideCapacity, EcsProperties.DesiredCount,
                $"{EcsProperties.DesiredCount}={desired} is outside {EcsProperties.AutoScalingMinCapacity}={min}..{EcsProperties.AutoScalingMaxCapacity}={max}; auto scaling would change it at once. Remove {EcsProperties.DesiredCount} or fit it into the range.");
        }

        foreach (var policy in scaling.Policies.Where(p => p.Metric == ScalingMetric.RequestCount))
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'";
            var targetGroup = policy.TargetGroupArn ?? settings.TargetGroupArn;
            if (targetGroup is null)
            {
                diagnostics.Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject,
                    $"{subject} tracks requests per target of a target group: set {EcsProperties.TargetGroupArn} or give the item a TargetGroupArn.");
            }
            else if (!TargetGroupArn().IsMatch(targetGroup))
            {
                diagnostics.Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject, $"{subject}: '{targetGroup}' ({EcsProperties.TargetGroupArn}) is not a target group ARN.");
            }
        }
    }

    private static void ValidateOneOffTask(EcsSettings settings, OneOffTaskSetting oneOff, RegisterTaskDefinitionRequest task, DiagnosticCollection diagnostics)
    {
        var name = oneOff.Container ?? TaskDefinitionBuilder.MainContainerName(settings, task);
        var container = task.ContainerDefinitions?.Find(c => c.Name == name);
        var subject = oneOff.Name == "EcsRunTask" ? EcsProperties.RunTaskContainer : oneOff.Subject;
        if (container is null)
        {
            diagnostics.Error(DiagnosticCodes.OneOffTaskInvalid, subject,
                $"{subject} runs in container '{name}', which the task definition does not have; containers: {string.Join(", ", (task.ContainerDefinitions ?? []).Select(c => c.Name))}.");
        }
        else if (container.Essential == false)
        {
            diagnostics.Error(DiagnosticCodes.OneOffTaskInvalid, subject,
                $"{subject} runs in container '{name}', which is not essential: its exit would not stop the task, so the build could not tell when it finished. Use an essential container.");
        }
    }
}
