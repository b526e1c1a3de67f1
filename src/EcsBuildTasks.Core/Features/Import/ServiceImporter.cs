using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Import;

/// <summary>What an import wrote.</summary>
/// <param name="PropertiesFile">The <c>.props</c> / <c>.pubxml</c> with the <c>Ecs*</c> properties and items.</param>
/// <param name="Templates">The task and service definition templates it references (what properties cannot express).</param>
internal sealed record ImportResult(string PropertiesFile, IReadOnlyList<string> Templates, IReadOnlyDictionary<string, string> Properties);

/// <summary>
/// <c>-t:EcsImport</c>: reads an existing service (read-only), its task definition and its auto scaling, and writes the
/// <c>Ecs*</c> properties and items that reproduce them, plus task and service definition templates for everything the
/// properties cannot express (sidecars, health checks, volumes, load balancers, service registries, capacity providers,
/// placement, ...). The properties carry what a team changes (sizes, count, roles, environment, secrets, scaling); the
/// main container's image is left to the build. After an import, a live plan of the project shows no change but the image.
/// </summary>
internal sealed class ServiceImporter(AwsSession aws, IDeploymentLog log)
{
    private static readonly string[] Extensions = [".props", ".targets", ".pubxml"];

    public async Task<ImportResult> ImportAsync(EcsSettings settings, string projectDirectory, string importTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Cluster is not { } cluster || settings.ServiceName is not { } serviceName)
        {
            throw new DeploymentException(DiagnosticCodes.ImportNeedsService, settings.Cluster is null ? EcsProperties.Cluster : EcsProperties.ServiceName,
                $"dotnet msbuild -t:EcsImport needs the service to import: -p:{EcsProperties.Cluster}=<cluster> -p:{EcsProperties.ServiceName}=<service>.");
        }

        var file = Path.GetFullPath(Path.Combine(projectDirectory, importTo));
        if (!Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
        {
            throw new DeploymentException(DiagnosticCodes.ImportTargetInvalid, EcsProperties.ImportTo,
                $"{EcsProperties.ImportTo}={importTo}: the import writes MSBuild properties, into a .props or .targets file the project imports, or a publish profile (.pubxml).");
        }

        var service = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ImportServiceNotFound, EcsProperties.ServiceName,
                $"{EcsProperties.ServiceName}={serviceName}: there is no such service in cluster {cluster} ({aws.Factory.ResolvedRegion.SystemName}).");
        var described = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = service.TaskDefinition, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        var task = described.TaskDefinition!;
        var main = MainContainer(task);

        var properties = new List<(string Name, string Value)>
        {
            (EcsProperties.Cluster, cluster),
            (EcsProperties.ServiceName, serviceName),
            (EcsProperties.TaskFamily, task.Family!),
            (EcsProperties.ContainerName, main.Name!),
        };
        Add(properties, EcsProperties.Cpu, task.Cpu);
        Add(properties, EcsProperties.Memory, task.Memory);
        Add(properties, EcsProperties.ExecutionRoleArn, task.ExecutionRoleArn);
        Add(properties, EcsProperties.TaskRoleArn, task.TaskRoleArn);
        if (service.SchedulingStrategy?.Value != "DAEMON")
        {
            Add(properties, EcsProperties.DesiredCount, service.DesiredCount?.ToString(CultureInfo.InvariantCulture));
        }

        if (main.LogConfiguration?.LogDriver?.Value != "awslogs")
        {
            // Without this, the project would add an awslogs configuration the service does not have.
            properties.Add((EcsProperties.AwsLogs, "false"));
        }

        var items = new List<XElement>();
        items.AddRange((main.Environment ?? []).Where(e => e.Name is not null).Select(e => new XElement("EcsEnvironmentVariable", new XAttribute("Include", e.Name!), new XAttribute("Value", e.Value ?? string.Empty))));
        items.AddRange((main.Secrets ?? []).Where(s => s.Name is not null).Select(s => new XElement(EcsProperties.SecretItem, new XAttribute("Include", s.Name!), new XAttribute("ValueFrom", s.ValueFrom ?? string.Empty))));
        await ImportScalingAsync(cluster, serviceName, properties, items, cancellationToken).ConfigureAwait(false);

        var directory = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(directory);
        var baseName = Path.GetFileNameWithoutExtension(file);
        var taskTemplate = Path.Combine(directory, $"{baseName}.task-definition.json");
        var serviceTemplate = Path.Combine(directory, $"{baseName}.service-definition.json");
        await File.WriteAllTextAsync(taskTemplate, TaskTemplate(task, described.Tags, main), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(serviceTemplate, ServiceTemplate(service), cancellationToken).ConfigureAwait(false);
        properties.Add((EcsProperties.TaskDefinitionTemplate, $"$(MSBuildThisFileDirectory){Path.GetFileName(taskTemplate)}"));
        properties.Add((EcsProperties.ServiceDefinitionTemplate, $"$(MSBuildThisFileDirectory){Path.GetFileName(serviceTemplate)}"));

        var document = new XDocument(
            new XElement("Project",
                new XComment($" Imported by dotnet msbuild -t:EcsImport from service {serviceName} in cluster {cluster} (task definition {Arns.Short(task.TaskDefinitionArn)}). The image comes from the build. "),
                new XElement("PropertyGroup", properties.Select(p => new XElement(p.Name, p.Value))),
                items.Count == 0 ? null : new XElement("ItemGroup", items)));
        await File.WriteAllTextAsync(file, document.ToString() + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: imported service {serviceName} ({Arns.Short(task.TaskDefinitionArn)}, {task.ContainerDefinitions?.Count ?? 0} container(s)) into {file}, with {Path.GetFileName(taskTemplate)} and {Path.GetFileName(serviceTemplate)}");
        return new ImportResult(file, [taskTemplate, serviceTemplate], properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>The application's container: the essential one with a port, else the first essential one, else the first.</summary>
    private static ContainerDefinition MainContainer(TaskDefinition task)
    {
        var containers = task.ContainerDefinitions ?? [];
        return containers.Find(c => c.Essential != false && c.PortMappings is { Count: > 0 })
            ?? containers.Find(c => c.Essential != false)
            ?? containers.FirstOrDefault()
            ?? throw new DeploymentException(DiagnosticCodes.ImportServiceNotFound, EcsProperties.ServiceName, $"The task definition {task.TaskDefinitionArn} has no container.");
    }

    /// <summary>The live task definition as a template, without what the properties and items carry and the main image.</summary>
    private static string TaskTemplate(TaskDefinition task, List<Tag>? tags, ContainerDefinition main)
    {
        var node = JsonNode.Parse(EcsJson.Serialize(task))!.AsObject();
        foreach (var member in new[] { "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt", "cpu", "memory", "executionRoleArn", "taskRoleArn" })
        {
            node.Remove(member);
        }

        var own = (tags ?? []).Where(t => !TaskDefinitionRegistrar.IsOwnTag(t.Key)).ToList();
        node["tags"] = own.Count == 0 ? null : JsonNode.Parse(EcsJson.Serialize(own));
        foreach (var container in node["containerDefinitions"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["name"] == main.Name))
        {
            container.Remove("image");
            container.Remove("environment");
            container.Remove("secrets");
        }

        return Write(node);
    }

    /// <summary>The live service as a template, without what the properties carry and what the deploy sets.</summary>
    private static string ServiceTemplate(Aws.ECS.Model.Service service)
    {
        var request = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(service));
        var node = JsonNode.Parse(EcsJson.Serialize(request))!.AsObject();
        foreach (var member in new[] { "cluster", "serviceName", "taskDefinition", "desiredCount", "clientToken" })
        {
            node.Remove(member);
        }

        return Write(node);
    }

    private async Task ImportScalingAsync(string cluster, string serviceName, List<(string Name, string Value)> properties, List<XElement> items, CancellationToken cancellationToken)
    {
        var resourceId = ScalableTargets.ResourceId(cluster, serviceName);
        if (await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        properties.Add((EcsProperties.AutoScalingMinCapacity, target.MinCapacity?.ToString(inv) ?? "1"));
        properties.Add((EcsProperties.AutoScalingMaxCapacity, target.MaxCapacity?.ToString(inv) ?? "1"));
        var policies = await AwsCalls.RunAsync("Application Auto Scaling DescribeScalingPolicies", () => aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(
            new DescribeScalingPoliciesRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension }, cancellationToken)).ConfigureAwait(false);
        foreach (var policy in policies.ScalingPolicies ?? [])
        {
            var configuration = policy.TargetTrackingScalingPolicyConfiguration;
            var metric = configuration?.PredefinedMetricSpecification?.PredefinedMetricType?.Value switch
            {
                "ECSServiceAverageCPUUtilization" => "CPU",
                "ECSServiceAverageMemoryUtilization" => "Memory",
                _ => null,
            };
            if (metric is null || configuration?.TargetValue is not { } value)
            {
                log.Info($"EcsBuildTasks: scaling policy {policy.PolicyName} is not a CPU or memory target tracking policy; it is kept as it is (not imported)");
                continue;
            }

            var item = new XElement(EcsProperties.ScalingPolicyItem, new XAttribute("Include", policy.PolicyName!), new XAttribute("Metric", metric), new XAttribute("TargetValue", value.ToString(inv)));
            Optional(item, "ScaleInCooldown", configuration.ScaleInCooldown);
            Optional(item, "ScaleOutCooldown", configuration.ScaleOutCooldown);
            if (configuration.DisableScaleIn == true)
            {
                item.Add(new XAttribute("DisableScaleIn", "true"));
            }

            items.Add(item);
        }
    }

    private static void Optional(XElement item, string name, int? value)
    {
        if (value is { } set)
        {
            item.Add(new XAttribute(name, set.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void Add(List<(string Name, string Value)> properties, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            properties.Add((name, value));
        }
    }

    private static string Write(JsonObject node) =>
        (DefinitionPrune(node) ?? new JsonObject()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;

    private static JsonNode? DefinitionPrune(JsonNode node) => Plan.DefinitionDiff.Prune(node);
}
