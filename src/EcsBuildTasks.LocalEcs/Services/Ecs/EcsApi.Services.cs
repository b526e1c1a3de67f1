using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static readonly HashSet<string> LaunchTypes = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

    private static JsonObject CreateService(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("cluster"));
        var name = input.Str("serviceName") ?? throw EcsErrors.Required("serviceName");
        if (!NamePattern().IsMatch(name))
        {
            throw EcsErrors.Invalid("Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }

        if (cluster.Services.TryGetValue(name, out var existing) && existing.Status == "DRAINING")
        {
            throw EcsErrors.Invalid("Unable to Start a service that is still Draining.");
        }

        if (existing is not null && existing.Status != "INACTIVE")
        {
            if (input.Str("clientToken") is { } token && token == existing.ClientToken)
            {
                return new JsonObject { ["service"] = RenderService(context, cluster, existing, []) };
            }

            throw EcsErrors.Invalid("Creation of service was not idempotent.");
        }

        var controller = input.Obj("deploymentController")?.Str("type") ?? "ECS";
        if (controller is not ("ECS" or "CODE_DEPLOY" or "EXTERNAL"))
        {
            throw EcsErrors.Invalid($"Invalid deploymentController type: {controller}.");
        }

        var scheduling = input.Str("schedulingStrategy") ?? "REPLICA";
        if (scheduling is not ("REPLICA" or "DAEMON"))
        {
            throw EcsErrors.Invalid($"Invalid schedulingStrategy: {scheduling}.");
        }

        var launchType = input.Str("launchType");
        var capacityProviders = input.CloneArr("capacityProviderStrategy");
        ValidateLaunchChoice(launchType, capacityProviders);
        var effectiveLaunchType = Deployments.EffectiveLaunchType(launchType, capacityProviders);
        if (scheduling == "DAEMON")
        {
            if (input["desiredCount"] is not null)
            {
                throw EcsErrors.Invalid("The daemon scheduling strategy does not support a desired count for services.");
            }

            if (effectiveLaunchType == "FARGATE")
            {
                throw EcsErrors.Invalid("The daemon scheduling strategy is not supported with the FARGATE launch type.");
            }

            if (controller != "ECS")
            {
                throw EcsErrors.Invalid("The daemon scheduling strategy is only supported with the ECS deployment controller.");
            }
        }

        var desiredCount = input.Int("desiredCount");
        if (scheduling == "REPLICA" && desiredCount is null)
        {
            throw EcsErrors.Invalid("The desired count is required for services using the REPLICA scheduling strategy.");
        }

        if (desiredCount is < 0)
        {
            throw EcsErrors.Invalid("Desired count must be greater than or equal to 0.");
        }

        TaskDefinitionRecord? definition = null;
        if (input.Str("taskDefinition") is { } reference)
        {
            definition = ResolveTaskDefinition(request.RegionState, reference, activeOnly: true);
        }
        else if (controller != "EXTERNAL")
        {
            throw EcsErrors.Invalid("TaskDefinition must be specified.");
        }

        var network = input.CloneObj("networkConfiguration");
        if (definition is not null)
        {
            ValidateLaunchCompatibility(definition, effectiveLaunchType);
            ValidateNetwork(request.RegionState, definition, network, effectiveLaunchType);
        }

        var loadBalancers = input.CloneArr("loadBalancers") ?? [];
        var role = input.Str("role");
        ValidateLoadBalancers(request.RegionState, definition, loadBalancers, role);
        var registries = input.CloneArr("serviceRegistries") ?? [];
        ValidateServiceRegistries(request.RegionState, definition, registries);
        ValidateServiceConnect(request.RegionState, definition, input.Obj("serviceConnectConfiguration"), EcsArns.Service(request.Region, cluster.Name, name));
        var deploymentConfiguration = NormalizeDeploymentConfiguration(input.Obj("deploymentConfiguration"), null, scheduling, controller);
        ValidateStrategyWiring(deploymentConfiguration, loadBalancers);
        if (effectiveLaunchType == "FARGATE" && (input.Arr("placementStrategy") is { Count: > 0 } || input.Arr("placementConstraints") is { Count: > 0 }))
        {
            throw EcsErrors.Invalid("Placement constraints and strategies are not supported with the FARGATE launch type.");
        }

        var service = new EcsService
        {
            Name = name,
            Arn = EcsArns.Service(request.Region, cluster.Name, name),
            ClusterArn = cluster.Arn,
            DesiredCount = desiredCount ?? 0,
            LaunchType = launchType ?? (capacityProviders is null ? "EC2" : null),
            CapacityProviderStrategy = capacityProviders,
            PlatformVersion = input.Str("platformVersion") ?? (effectiveLaunchType == "FARGATE" ? "LATEST" : null),
            TaskDefinitionArn = definition?.Arn ?? string.Empty,
            DeploymentConfiguration = deploymentConfiguration,
            LoadBalancers = loadBalancers,
            ProductionTargetGroupArns = loadBalancers.OfType<JsonObject>().Select(l => l.Str("targetGroupArn") ?? string.Empty).ToList(),
            ServiceRegistries = registries,
            NetworkConfiguration = network,
            ServiceConnectConfiguration = input.CloneObj("serviceConnectConfiguration"),
            VolumeConfigurations = input.CloneArr("volumeConfigurations"),
            HealthCheckGracePeriodSeconds = input.Int("healthCheckGracePeriodSeconds"),
            SchedulingStrategy = scheduling,
            DeploymentController = controller,
            Tags = input.CloneArr("tags"),
            EnableEcsManagedTags = input.Bool("enableECSManagedTags") ?? false,
            PropagateTags = input.Str("propagateTags") ?? "NONE",
            EnableExecuteCommand = input.Bool("enableExecuteCommand") ?? false,
            PlacementConstraints = input.CloneArr("placementConstraints") ?? [],
            PlacementStrategy = input.CloneArr("placementStrategy") ?? [],
            RoleArn = role is null ? null : role.StartsWith("arn:", StringComparison.Ordinal) ? role : $"arn:aws:iam::{Account.Id}:role/{role}",
            AvailabilityZoneRebalancing = input.Str("availabilityZoneRebalancing") ?? (effectiveLaunchType == "FARGATE" && scheduling == "REPLICA" ? "ENABLED" : "DISABLED"),
            CreatedAt = request.Now,
            CreatedBy = Account.UserArn,
            ClientToken = input.Str("clientToken"),
        };
        cluster.Services[name] = service;
        if (controller != "EXTERNAL")
        {
            Deployments.Start(context, cluster, service);
        }

        return new JsonObject { ["service"] = RenderService(context, cluster, service, []) };
    }

    private static JsonObject UpdateService(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("cluster"));
        var service = FindService(cluster, input.Str("service") ?? throw EcsErrors.Required("service"));
        if (service.Status != "ACTIVE")
        {
            throw EcsErrors.ServiceNotActive();
        }

        if (input.Obj("deploymentController")?.Str("type") is { } newController && newController != service.DeploymentController)
        {
            throw EcsErrors.Invalid("Updating the deployment controller of a service is not supported by LocalEcs.");
        }

        if (service.DeploymentController == "EXTERNAL")
        {
            var allowed = new HashSet<string>(StringComparer.Ordinal) { "cluster", "service", "desiredCount", "healthCheckGracePeriodSeconds", "deploymentController" };
            if (input.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k)) is { } member)
            {
                throw EcsErrors.Invalid($"Unable to update {member} on services with an EXTERNAL deployment controller. Only desiredCount and healthCheckGracePeriodSeconds can be updated; use CreateTaskSet for the rest.");
            }
        }

        if (service.DeploymentController == "CODE_DEPLOY" && input.Str("taskDefinition") is not null)
        {
            throw EcsErrors.Invalid("Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.");
        }

        if (input.Int("desiredCount") is { } desired)
        {
            if (service.SchedulingStrategy == "DAEMON")
            {
                throw EcsErrors.Invalid("The daemon scheduling strategy does not support a desired count for services.");
            }

            if (desired < 0)
            {
                throw EcsErrors.Invalid("Desired count must be greater than or equal to 0.");
            }

            if (desired != service.DesiredCount)
            {
                service.DesiredCount = desired;
                service.SteadyStateReported = false;
            }
        }

        var changed = input.Bool("forceNewDeployment") == true;
        var definition = context.Region.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == service.TaskDefinitionArn);
        if (input.Str("taskDefinition") is { } reference)
        {
            definition = ResolveTaskDefinition(request.RegionState, reference, activeOnly: true);
            changed |= definition.Arn != service.TaskDefinitionArn;
        }

        var capacityProviders = input.CloneArr("capacityProviderStrategy") ?? service.CapacityProviderStrategy;
        var launchType = input["capacityProviderStrategy"] is not null ? null : service.LaunchType;
        var effectiveLaunchType = Deployments.EffectiveLaunchType(launchType, capacityProviders);
        var network = input["networkConfiguration"] is not null ? input.CloneObj("networkConfiguration") : service.NetworkConfiguration;
        if (definition is not null)
        {
            ValidateLaunchCompatibility(definition, effectiveLaunchType);
            ValidateNetwork(request.RegionState, definition, network, effectiveLaunchType);
        }

        var loadBalancers = input.CloneArr("loadBalancers") ?? service.LoadBalancers;
        ValidateLoadBalancers(request.RegionState, definition, loadBalancers, service.RoleArn);
        var registries = input.CloneArr("serviceRegistries") ?? service.ServiceRegistries;
        ValidateServiceRegistries(request.RegionState, definition, registries);
        ValidateServiceConnect(request.RegionState, definition, input.Obj("serviceConnectConfiguration") ?? service.ServiceConnectConfiguration, service.Arn);
        var deploymentConfiguration = input.Obj("deploymentConfiguration") is { } configuration
            ? NormalizeDeploymentConfiguration(configuration, service.DeploymentConfiguration, service.SchedulingStrategy, service.DeploymentController)
            : service.DeploymentConfiguration;
        ValidateStrategyWiring(deploymentConfiguration, loadBalancers);

        changed |= !JsonNode.DeepEquals(network, service.NetworkConfiguration)
            || !JsonNode.DeepEquals(loadBalancers, service.LoadBalancers)
            || !JsonNode.DeepEquals(registries, service.ServiceRegistries)
            || !JsonNode.DeepEquals(capacityProviders, service.CapacityProviderStrategy)
            || (input.Str("platformVersion") is { } platform && platform != service.PlatformVersion)
            || (input.Obj("serviceConnectConfiguration") is { } serviceConnect && !JsonNode.DeepEquals(serviceConnect, service.ServiceConnectConfiguration))
            || (input.Arr("volumeConfigurations") is { } volumes && !JsonNode.DeepEquals(volumes, service.VolumeConfigurations));

        if (!JsonNode.DeepEquals(loadBalancers, service.LoadBalancers))
        {
            service.ProductionTargetGroupArns = loadBalancers.OfType<JsonObject>().Select(l => l.Str("targetGroupArn") ?? string.Empty).ToList();
        }

        service.TaskDefinitionArn = definition?.Arn ?? service.TaskDefinitionArn;
        service.CapacityProviderStrategy = capacityProviders;
        service.LaunchType = launchType;
        service.NetworkConfiguration = network;
        service.LoadBalancers = loadBalancers;
        service.ServiceRegistries = registries;
        service.DeploymentConfiguration = deploymentConfiguration;
        service.PlatformVersion = input.Str("platformVersion") ?? service.PlatformVersion;
        service.ServiceConnectConfiguration = input.CloneObj("serviceConnectConfiguration") ?? service.ServiceConnectConfiguration;
        service.VolumeConfigurations = input.CloneArr("volumeConfigurations") ?? service.VolumeConfigurations;
        service.HealthCheckGracePeriodSeconds = input.Int("healthCheckGracePeriodSeconds") ?? service.HealthCheckGracePeriodSeconds;
        service.EnableExecuteCommand = input.Bool("enableExecuteCommand") ?? service.EnableExecuteCommand;
        service.EnableEcsManagedTags = input.Bool("enableECSManagedTags") ?? service.EnableEcsManagedTags;
        service.PropagateTags = input.Str("propagateTags") ?? service.PropagateTags;
        service.PlacementConstraints = input.CloneArr("placementConstraints") ?? service.PlacementConstraints;
        service.PlacementStrategy = input.CloneArr("placementStrategy") ?? service.PlacementStrategy;
        service.AvailabilityZoneRebalancing = input.Str("availabilityZoneRebalancing") ?? service.AvailabilityZoneRebalancing;
        if (changed && service.DeploymentController != "EXTERNAL")
        {
            Deployments.Start(context, cluster, service);
        }

        return new JsonObject { ["service"] = RenderService(context, cluster, service, []) };
    }

    private static JsonObject DescribeServices(AwsRequest request, SimulationContext context)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var names = request.Input.Strings("services").ToList();
        if (names.Count == 0)
        {
            throw EcsErrors.Invalid("Services cannot be empty.");
        }

        if (names.Count > 10)
        {
            throw EcsErrors.Invalid("Services cannot contain more than 10 items.");
        }

        var include = request.Input.Strings("include").ToHashSet(StringComparer.Ordinal);
        var services = new JsonArray();
        var failures = new JsonArray();
        foreach (var name in names)
        {
            if (cluster.Services.TryGetValue(EcsArns.NameOf(name), out var service))
            {
                services.Add(RenderService(context, cluster, service, include));
            }
            else
            {
                failures.Add(Failure(name.StartsWith("arn:", StringComparison.Ordinal) ? name : EcsArns.Service(request.Region, cluster.Name, name), "MISSING"));
            }
        }

        return new JsonObject { ["services"] = services, ["failures"] = failures };
    }

    private static JsonObject ListServices(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var launchType = request.Input.Str("launchType");
        var scheduling = request.Input.Str("schedulingStrategy");
        var management = request.Input.Str("resourceManagementType");
        var arns = cluster.Services.Values
            .Where(s => s.Status != "INACTIVE" && (launchType is null || s.LaunchType == launchType) && (scheduling is null || s.SchedulingStrategy == scheduling)
                && (management is null || (s.Express is null ? "CUSTOMER" : "ECS") == management))
            .OrderBy(s => s.CreatedAt)
            .Select(s => s.Arn)
            .ToList();
        return Page(arns, "serviceArns");
    }

    private static JsonObject ListServicesByNamespace(AwsRequest request)
    {
        var ns = request.Input.Str("namespace") ?? throw EcsErrors.Required("namespace");
        var arns = request.RegionState.Clusters.Values.SelectMany(c => c.Services.Values)
            .Where(s => s.Status == "ACTIVE" && s.ServiceConnectConfiguration?.Str("namespace") == ns)
            .Select(s => s.Arn).ToList();
        return Page(arns, "serviceArns");
    }

    private static JsonObject DeleteService(AwsRequest request, SimulationContext context)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var service = FindService(cluster, request.Input.Str("service") ?? throw EcsErrors.Required("service"));
        if (service.Status != "ACTIVE")
        {
            throw EcsErrors.ServiceNotActive();
        }

        if (service.SchedulingStrategy == "REPLICA" && service.DesiredCount > 0 && request.Input.Bool("force") != true)
        {
            throw EcsErrors.Invalid("The service cannot be stopped while it is scaled above 0.");
        }

        service.Status = "DRAINING";
        service.DrainingSince = request.Now;
        service.DesiredCount = 0;
        foreach (var record in service.ServiceDeployments.Where(d => Deployments.InProgressStatuses.Contains(d.Status)))
        {
            record.Status = "STOPPED";
            record.StatusReason = "Service deployment stopped because the service was deleted.";
            record.StoppedAt = request.Now;
        }

        return new JsonObject { ["service"] = RenderService(context, cluster, service, []) };
    }

    internal static EcsService FindService(EcsCluster cluster, string nameOrArn) =>
        cluster.Services.TryGetValue(EcsArns.NameOf(nameOrArn), out var service) ? service : throw EcsErrors.ServiceNotFound();

    private static void ValidateLaunchChoice(string? launchType, JsonArray? capacityProviders)
    {
        if (launchType is not null && capacityProviders is { Count: > 0 })
        {
            throw EcsErrors.Invalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
        }

        if (launchType is not null && !LaunchTypes.Contains(launchType))
        {
            throw EcsErrors.Invalid($"1 validation error detected: Value '{launchType}' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]");
        }
    }

    private static void ValidateLaunchCompatibility(TaskDefinitionRecord definition, string launchType)
    {
        if (launchType == "FARGATE" && !definition.Compatibilities.Contains("FARGATE"))
        {
            throw EcsErrors.Invalid("Task definition does not support launch_type FARGATE.");
        }

        var requires = definition.Definition.Strings("requiresCompatibilities").ToList();
        if (launchType == "EC2" && requires.Count > 0 && !requires.Contains("EC2"))
        {
            throw EcsErrors.Invalid("Task definition does not support launch_type EC2.");
        }
    }

    /// <summary>awsvpc needs subnets (and security groups) that exist, in one VPC; other modes take no network configuration.</summary>
    internal static void ValidateNetwork(RegionState region, TaskDefinitionRecord definition, JsonObject? network, string launchType)
    {
        var mode = definition.Definition.Str("networkMode") ?? "bridge";
        var awsvpc = network?.Obj("awsvpcConfiguration");
        if (mode != "awsvpc")
        {
            if (awsvpc is not null)
            {
                throw EcsErrors.Invalid("Network Configuration is not valid for the given networkMode of this task definition.");
            }

            return;
        }

        if (awsvpc is null)
        {
            throw EcsErrors.Invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }

        var subnets = awsvpc.Strings("subnets").ToList();
        if (subnets.Count == 0)
        {
            throw EcsErrors.Invalid("subnets can not be empty.");
        }

        if (subnets.Count > 16)
        {
            throw EcsErrors.Invalid("subnets can have at most 16 items.");
        }

        var groups = awsvpc.Strings("securityGroups").ToList();
        if (groups.Count > 5)
        {
            throw EcsErrors.Invalid("securityGroups can have at most 5 items.");
        }

        var missingSubnets = subnets.Where(s => region.Ec2.Subnets.All(x => x.SubnetId != s)).ToList();
        if (missingSubnets.Count > 0)
        {
            throw EcsErrors.Invalid($"Error retrieving subnet information for [{string.Join(", ", missingSubnets)}]: The subnet ID '{missingSubnets[0]}' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
        }

        var missingGroups = groups.Where(g => region.Ec2.SecurityGroups.All(x => x.GroupId != g)).ToList();
        if (missingGroups.Count > 0)
        {
            throw EcsErrors.Invalid($"Error retrieving security group information for [{string.Join(", ", missingGroups)}]: The security group '{missingGroups[0]}' does not exist (ErrorCode: InvalidGroup.NotFound)");
        }

        var vpcs = subnets.Select(s => region.Ec2.Subnets.First(x => x.SubnetId == s).VpcId).Distinct(StringComparer.Ordinal).ToList();
        if (vpcs.Count > 1)
        {
            throw EcsErrors.Invalid("The subnets must belong to the same VPC.");
        }

        foreach (var group in groups.Where(g => region.Ec2.SecurityGroups.First(x => x.GroupId == g).VpcId != vpcs[0]))
        {
            throw EcsErrors.Invalid($"Security group {group} does not appear to belong to the same VPC as the input subnets.");
        }

        if (awsvpc.Str("assignPublicIp") == "ENABLED" && launchType != "FARGATE")
        {
            throw EcsErrors.Invalid("Assign public IP is not supported for this launch type.");
        }
    }

    private static void ValidateLoadBalancers(RegionState region, TaskDefinitionRecord? definition, JsonArray loadBalancers, string? role)
    {
        var mode = definition?.Definition.Str("networkMode") ?? "bridge";
        if (role is not null && mode == "awsvpc" && loadBalancers.Count > 0)
        {
            throw EcsErrors.Invalid("You cannot specify an IAM role for services that require a service linked role.");
        }

        foreach (var entry in loadBalancers.OfType<JsonObject>())
        {
            var arn = entry.Str("targetGroupArn");
            if (arn is null)
            {
                throw EcsErrors.Invalid(entry.Str("loadBalancerName") is not null
                    ? "Classic Load Balancers (loadBalancerName) are not supported by LocalEcs; use targetGroupArn."
                    : "targetGroupArn must be specified for each load balancer.");
            }

            if (role is not null && !RoleArnPattern().IsMatch(role.StartsWith("arn:", StringComparison.Ordinal) ? role : $"arn:aws:iam::{Account.Id}:role/{role}"))
            {
                throw EcsErrors.Invalid("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.");
            }

            var group = TargetGroup(region, arn);
            var containerName = entry.Str("containerName") ?? throw EcsErrors.Invalid("containerName must be specified for each load balancer.");
            var containerPort = entry.Int("containerPort") ?? throw EcsErrors.Invalid("containerPort must be specified for each load balancer.");
            if (definition is not null)
            {
                var container = definition.Definition.Objects("containerDefinitions").FirstOrDefault(c => c.Str("name") == containerName)
                    ?? throw EcsErrors.Invalid($"The container {containerName} does not exist in the task definition.");
                if (!container.Objects("portMappings").Any(p => p.Int("containerPort") == containerPort))
                {
                    throw EcsErrors.Invalid($"The container {containerName} did not have a container port {containerPort} defined.");
                }

                if (mode == "awsvpc" && group.TargetType != "ip")
                {
                    throw EcsErrors.Invalid($"The provided target group {arn} has target type {group.TargetType}, which is incompatible with the awsvpc network mode specified in the task definition.");
                }
            }

            if (entry.Obj("advancedConfiguration") is { } advanced)
            {
                var alternate = TargetGroup(region, advanced.Str("alternateTargetGroupArn") ?? throw EcsErrors.Invalid("advancedConfiguration.alternateTargetGroupArn must be specified."));
                if (alternate.Arn == group.Arn)
                {
                    throw EcsErrors.Invalid("The alternate target group must differ from the target group.");
                }

                if (alternate.TargetType != group.TargetType || alternate.Port != group.Port)
                {
                    throw EcsErrors.Invalid($"The target groups {group.Arn} and {alternate.Arn} must have the same target type and port.");
                }

                RuleOrListener(region, advanced.Str("productionListenerRule") ?? throw EcsErrors.Invalid("advancedConfiguration.productionListenerRule must be specified."));
                if (advanced.Str("testListenerRule") is { } testRule)
                {
                    RuleOrListener(region, testRule);
                }

                var roleArn = advanced.Str("roleArn") ?? throw EcsErrors.Invalid("advancedConfiguration.roleArn must be specified.");
                if (!RoleArnPattern().IsMatch(roleArn))
                {
                    throw EcsErrors.Invalid($"Unable to assume role {roleArn}. Please verify that the role exists and that Amazon ECS can assume it.");
                }
            }
        }
    }

    private static TargetGroupRecord TargetGroup(RegionState region, string arn)
    {
        var group = region.Elbv2.TargetGroups.GetValueOrDefault(arn) ?? throw EcsErrors.Invalid($"The target group with targetGroupArn {arn} does not exist.");
        if (!LoadBalancing.InUse(region, group))
        {
            throw EcsErrors.Invalid($"The target group with targetGroupArn {arn} does not have an associated load balancer.");
        }

        return group;
    }

    private static void RuleOrListener(RegionState region, string arn)
    {
        var elb = region.Elbv2;
        if (!elb.Rules.ContainsKey(arn) && !elb.Listeners.ContainsKey(arn) && elb.Listeners.Values.All(l => l.DefaultRuleArn != arn))
        {
            throw EcsErrors.Invalid($"The listener rule or listener {arn} does not exist.");
        }
    }

    private static void ValidateServiceRegistries(RegionState region, TaskDefinitionRecord? definition, JsonArray registries)
    {
        foreach (var registry in registries.OfType<JsonObject>())
        {
            var arn = registry.Str("registryArn") ?? throw EcsErrors.Invalid("registryArn must be specified for each service registry.");
            if (!region.CloudMap.Services.ContainsKey(arn.Split('/')[^1]))
            {
                throw EcsErrors.Invalid($"The service registry {arn} does not exist.");
            }

            if (registry.Str("containerName") is { } container && definition is not null
                && definition.Definition.Objects("containerDefinitions").All(c => c.Str("name") != container))
            {
                throw EcsErrors.Invalid($"The container {container} does not exist in the task definition.");
            }

            if (registry.Int("port") is not null && registry.Int("containerPort") is not null)
            {
                throw EcsErrors.Invalid("Specify either port or containerName and containerPort for a service registry, not both.");
            }
        }
    }

    /// <summary>
    /// Service Connect as ECS checks it: the namespace (name or ARN) must exist in Cloud Map, and every service names a
    /// port mapping of the task definition by its <c>name</c>, and each discovery name (by default the port name) is unique
    /// in the namespace: no other active service of the region uses it there.
    /// </summary>
    private static void ValidateServiceConnect(RegionState region, TaskDefinitionRecord? definition, JsonObject? configuration, string serviceArn)
    {
        if (configuration is null || configuration.Bool("enabled") != true)
        {
            return;
        }

        var ns = configuration.Str("namespace") ?? throw EcsErrors.Invalid("Service Connect needs a namespace when it is enabled.");
        var namespaceRecord = region.CloudMap.Namespaces.Values.FirstOrDefault(n => n.Arn == ns || n.Name == ns)
            ?? throw new AwsServiceException("NamespaceNotFoundException", $"The namespace {ns} does not exist.");
        foreach (var other in region.Clusters.Values.SelectMany(c => c.Services.Values))
        {
            if (other.Arn == serviceArn || other.Status != "ACTIVE" || other.ServiceConnectConfiguration is not { } theirs || theirs.Bool("enabled") != true
                || theirs.Str("namespace") is not { } theirNamespace || (theirNamespace != namespaceRecord.Arn && theirNamespace != namespaceRecord.Name))
            {
                continue;
            }

            var taken = theirs.Objects("services").Select(s => s.Str("discoveryName") ?? s.Str("portName")).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var discoveryName in configuration.Objects("services").Select(s => s.Str("discoveryName") ?? s.Str("portName")).OfType<string>())
            {
                if (taken.Contains(discoveryName))
                {
                    throw EcsErrors.Invalid($"The Service Connect discovery name {discoveryName} is already used by the service {other.Name} in the namespace {namespaceRecord.Name}: discovery names must be unique within the namespace.");
                }
            }
        }

        var portNames = definition?.Definition.Objects("containerDefinitions").SelectMany(c => c.Objects("portMappings")).Select(m => m.Str("name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var service in configuration.Objects("services"))
        {
            var portName = service.Str("portName") ?? throw EcsErrors.Invalid("portName must be specified for each Service Connect service.");
            if (portNames is not null && !portNames.Contains(portName))
            {
                throw EcsErrors.Invalid($"Service Connect port name {portName} does not match the name of any port mapping in the task definition {definition!.Family}:{definition.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }
        }
    }
}
