using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.CloudWatch;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>
/// ECS Express Mode. CreateExpressGatewayService provisions, through the ELBv2, EC2, CloudWatch and Application Auto
/// Scaling APIs, what ECS provisions: an HTTPS Application Load Balancer shared by the Express services of a VPC (one
/// host-header rule per service), two target groups, security groups, a rollback alarm, a scalable target with a
/// target tracking policy, the task definition of the primary container, and an ECS service (resourceManagementType
/// ECS) that deploys with CANARY (5%, 3 minutes, then 100% and a 3-minute bake) and rolls back on its circuit breaker or
/// the alarm. The service answers on <c>https://xx-&lt;32 hex&gt;.ecs.&lt;region&gt;.on.aws/</c> once the load balancer is up.
/// </summary>
internal sealed partial class EcsApi
{
    private const string DefaultExpressCpu = "256";
    private const string DefaultExpressMemory = "512";
    private const string DefaultHealthCheckPath = "/ping";
    private const int DefaultContainerPort = 80;
    private const string ExpressContainerName = "Main";
    private static readonly HashSet<string> ScalingMetrics = ["AVERAGE_CPU", "AVERAGE_MEMORY", "REQUEST_COUNT_PER_TARGET"];
    private static readonly string[] TaskDefinitionOnlyExclusions = ["primaryContainer", "executionRoleArn", "taskRoleArn", "cpu", "memory"];

    private static JsonObject CreateExpressGatewayService(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var region = request.RegionState;
        var infrastructureRole = input.Str("infrastructureRoleArn") ?? throw EcsErrors.Required("infrastructureRoleArn");
        if (!RoleArnPattern().IsMatch(infrastructureRole))
        {
            throw EcsErrors.Invalid($"Unable to assume the infrastructure role {infrastructureRole}. Verify that it is an IAM role ARN that Amazon ECS can assume.");
        }

        var clusterName = EcsArns.NameOf(input.Str("cluster") ?? "default");
        if (clusterName != "default")
        {
            FindCluster(region, clusterName);
        }

        var serviceName = input.Str("serviceName") ?? GeneratedServiceName(input);
        if (!NamePattern().IsMatch(serviceName))
        {
            throw EcsErrors.Invalid("Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }

        if (region.Clusters.TryGetValue(clusterName, out var existingCluster) && existingCluster.Services.TryGetValue(serviceName, out var existing) && existing.Status != "INACTIVE")
        {
            throw EcsErrors.Invalid($"Creation of service was not idempotent: a service named {serviceName} already exists in cluster {clusterName}.");
        }

        if (input.Arr("tags") is { Count: > 50 })
        {
            throw EcsErrors.Invalid("An Express service can have at most 50 tags.");
        }

        var configuration = ExpressConfiguration(region, input, current: null, clusterName, serviceName);
        var network = configuration.NetworkConfiguration;
        var subnets = network.Strings("subnets").Select(s => region.Ec2.Subnets.First(x => x.SubnetId == s)).ToList();
        var vpcId = subnets[0].VpcId;
        var accessType = subnets.All(s => s.MapPublicIpOnLaunch) ? "PUBLIC" : "PRIVATE";

        // Everything is checked: from here on ECS provisions.
        var cluster = region.Clusters.TryGetValue(clusterName, out var found) && found.Status == "ACTIVE" ? found : CreateDefaultCluster(request, context);
        var express = new ExpressGatewayRecord
        {
            InfrastructureRoleArn = infrastructureRole,
            CreatedAt = request.Now,
            UpdatedAt = request.Now,
            AccessType = accessType,
            Endpoint = $"{EndpointPrefix(serviceName)}-{Ids.Hex32()}.ecs.{request.Region}.on.aws",
        };
        var resources = express.Resources;
        var suffix = Ids.Hex(12);
        var tags = ManagedTags(serviceName);

        resources.LogGroupName = configuration.PrimaryContainer?.Obj("awsLogsConfiguration")?.Str("logGroup") ?? string.Empty;
        if (resources.LogGroupName.Length > 0 && !region.LogGroups.ContainsKey(resources.LogGroupName))
        {
            ExpressGateways.Call(context, "logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = resources.LogGroupName });
        }

        if (configuration.PrimaryContainer is not null)
        {
            configuration.TaskDefinitionArn = RegisterExpressTaskDefinition(request, serviceName, configuration);
        }

        ProvisionLoadBalancer(context, express, subnets, vpcId, tags);
        var port = ExpressContainerPort(region, configuration);
        foreach (var color in new[] { "a", "b" })
        {
            var created = ExpressGateways.Call(context, "elasticloadbalancing", "CreateTargetGroup", new JsonObject
            {
                ["Name"] = $"ecs-gateway-tg-{suffix}-{color}",
                ["Protocol"] = "HTTP",
                ["Port"] = port,
                ["VpcId"] = vpcId,
                ["TargetType"] = "ip",
                ["HealthCheckPath"] = configuration.HealthCheckPath,
                ["Matcher"] = new JsonObject { ["HttpCode"] = "200" },
                ["Tags"] = tags.DeepClone(),
            });
            var arn = created.Arr("TargetGroups")![0]!["TargetGroupArn"]!.GetValue<string>();
            ExpressGateways.Call(context, "elasticloadbalancing", "ModifyTargetGroupAttributes", new JsonObject
            {
                ["TargetGroupArn"] = arn,
                ["Attributes"] = new JsonArray(new JsonObject { ["Key"] = "deregistration_delay.timeout_seconds", ["Value"] = "60" }),
            });
            resources.TargetGroupArns.Add(arn);
        }

        var priority = region.Elbv2.Rules.Values.Where(r => r.ListenerArn == resources.ListenerArn)
            .Select(r => int.Parse(r.Priority, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        var rule = ExpressGateways.Call(context, "elasticloadbalancing", "CreateRule", new JsonObject
        {
            ["ListenerArn"] = resources.ListenerArn,
            ["Priority"] = priority,
            ["Conditions"] = new JsonArray(new JsonObject { ["Field"] = "host-header", ["HostHeaderConfig"] = new JsonObject { ["Values"] = new JsonArray(express.Endpoint) } }),
            ["Actions"] = new JsonArray(new JsonObject
            {
                ["Type"] = "forward",
                ["ForwardConfig"] = new JsonObject
                {
                    ["TargetGroups"] = new JsonArray(
                        new JsonObject { ["TargetGroupArn"] = resources.TargetGroupArns[0], ["Weight"] = 100 },
                        new JsonObject { ["TargetGroupArn"] = resources.TargetGroupArns[1], ["Weight"] = 0 }),
                },
            }),
            ["Tags"] = tags.DeepClone(),
        });
        resources.RuleArn = rule.Arr("Rules")![0]!["RuleArn"]!.GetValue<string>();

        if (network.Strings("securityGroups").Any() is false)
        {
            var group = ExpressGateways.Call(context, "ec2", "CreateSecurityGroup", new JsonObject
            {
                ["GroupName"] = $"ecs-express-{serviceName}-{suffix[..6]}",
                ["GroupDescription"] = $"Tasks of the Express service {serviceName}: port {port.ToString(CultureInfo.InvariantCulture)} from its load balancer",
                ["VpcId"] = vpcId,
            });
            resources.TaskSecurityGroupId = group.Str("groupId");
        }

        resources.RollbackAlarmName = $"{serviceName}-express-rollback-{suffix[..6]}";
        CloudWatchApi.PutMetricAlarm(region, RollbackAlarm(resources, express, serviceName), request.Now);

        var desired = configuration.ScalingTarget.Int("minTaskCount")!.Value;
        CreateService(Internal(request, "CreateService", new JsonObject
        {
            ["cluster"] = cluster.Name,
            ["serviceName"] = serviceName,
            ["taskDefinition"] = configuration.TaskDefinitionArn,
            ["desiredCount"] = desired,
            ["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE", ["weight"] = 1, ["base"] = 0 }),
            ["networkConfiguration"] = TaskNetwork(express, configuration),
            ["loadBalancers"] = new JsonArray(new JsonObject
            {
                ["targetGroupArn"] = resources.TargetGroupArns[0],
                ["containerName"] = ExpressContainerName,
                ["containerPort"] = port,
                ["advancedConfiguration"] = new JsonObject
                {
                    ["alternateTargetGroupArn"] = resources.TargetGroupArns[1],
                    ["productionListenerRule"] = resources.RuleArn,
                    ["roleArn"] = infrastructureRole,
                },
            }),
            ["deploymentConfiguration"] = ExpressDeploymentConfiguration(resources),
            ["tags"] = input.CloneArr("tags"),
            ["propagateTags"] = "SERVICE",
            ["enableECSManagedTags"] = true,
        }), context);
        var service = cluster.Services[serviceName];
        service.Express = express;
        configuration.ServiceRevisionArn = service.Revisions[^1].Arn;
        configuration.CreatedAt = request.Now;
        express.Configurations.Add(configuration);
        express.ReadyAt = Max(request.Now + LoadBalancing.ProvisioningTime, region.Elbv2.LoadBalancers[resources.LoadBalancerArn].CreatedTime + LoadBalancing.ProvisioningTime)
            + TimeSpan.FromSeconds(region.ExpressUrlDelaySeconds);
        context.WakeAt(express.ReadyAt);

        resources.ScalableTargetResourceId = $"service/{cluster.Name}/{serviceName}";
        resources.ScalingPolicyName = $"{serviceName}-express-target-tracking";
        ApplyScaling(context, express, configuration);
        return new JsonObject { ["service"] = RenderExpressService(request.Now, cluster, service, includeTags: true) };
    }

    private static JsonObject UpdateExpressGatewayService(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var region = request.RegionState;
        var (cluster, service) = FindExpressService(region, input.Str("serviceArn"), notFound: EcsErrors.ServiceNotFound());
        var express = service.Express!;
        if (express.StatusCode != "ACTIVE" || service.Status != "ACTIVE")
        {
            throw EcsErrors.ServiceNotActive();
        }

        var current = CurrentExpressConfiguration(service);
        var next = ExpressConfiguration(region, input, current, cluster.Name, service.Name);
        var currentVpc = VpcOf(region, current.NetworkConfiguration);
        if (VpcOf(region, next.NetworkConfiguration) != currentVpc)
        {
            throw EcsErrors.Invalid($"The subnets of an Express service must stay in its VPC ({currentVpc}); create a new Express service for another VPC.");
        }

        var taskChanged = next.TaskDefinitionArn != current.TaskDefinitionArn || next.CustomerTaskDefinition != current.CustomerTaskDefinition
            || !JsonNode.DeepEquals(next.PrimaryContainer, current.PrimaryContainer) || next.Cpu != current.Cpu || next.Memory != current.Memory
            || next.ExecutionRoleArn != current.ExecutionRoleArn || next.TaskRoleArn != current.TaskRoleArn;
        var networkChanged = !JsonNode.DeepEquals(next.NetworkConfiguration, current.NetworkConfiguration);
        var healthChanged = next.HealthCheckPath != current.HealthCheckPath;
        var scalingChanged = !JsonNode.DeepEquals(next.ScalingTarget, current.ScalingTarget);
        if (taskChanged && next.PrimaryContainer is not null)
        {
            if (next.PrimaryContainer.Obj("awsLogsConfiguration")?.Str("logGroup") is { } logGroup && !region.LogGroups.ContainsKey(logGroup))
            {
                ExpressGateways.Call(context, "logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = logGroup });
            }

            next.TaskDefinitionArn = RegisterExpressTaskDefinition(request, service.Name, next);
        }

        if (ExpressContainerPort(region, next) != ExpressContainerPort(region, current))
        {
            throw EcsErrors.Invalid("The container port of an Express service can't change: its target groups route to the port it was created with.");
        }

        if (healthChanged)
        {
            foreach (var group in express.Resources.TargetGroupArns)
            {
                ExpressGateways.Call(context, "elasticloadbalancing", "ModifyTargetGroup", new JsonObject { ["TargetGroupArn"] = group, ["HealthCheckPath"] = next.HealthCheckPath });
            }
        }

        if (scalingChanged)
        {
            ApplyScaling(context, express, next);
        }

        var target = current;
        if (taskChanged || networkChanged || healthChanged)
        {
            UpdateService(Internal(request, "UpdateService", new JsonObject
            {
                ["cluster"] = cluster.Name,
                ["service"] = service.Name,
                ["taskDefinition"] = next.TaskDefinitionArn,
                ["networkConfiguration"] = TaskNetwork(express, next),
                ["forceNewDeployment"] = true,
            }), context);
            next.ServiceRevisionArn = service.Revisions[^1].Arn;
            next.CreatedAt = request.Now;
            express.Configurations.Add(next);
            target = next;
        }
        else if (scalingChanged)
        {
            current.ScalingTarget = next.ScalingTarget;
        }

        express.UpdatedAt = request.Now;
        return new JsonObject
        {
            ["service"] = new JsonObject
            {
                ["serviceArn"] = service.Arn,
                ["cluster"] = cluster.Arn,
                ["serviceName"] = service.Name,
                ["status"] = ExpressStatus(express),
                ["targetConfiguration"] = RenderExpressConfiguration(express, target, request.Now),
                ["createdAt"] = AwsValues.Timestamp(express.CreatedAt),
                ["updatedAt"] = AwsValues.Timestamp(express.UpdatedAt),
            },
        };
    }

    private static JsonObject DescribeExpressGatewayService(AwsRequest request)
    {
        var (cluster, service) = FindExpressService(request.RegionState, request.Input.Str("serviceArn"),
            notFound: new AwsServiceException("ResourceNotFoundException", $"The Express service {request.Input.Str("serviceArn")} does not exist."));
        return new JsonObject { ["service"] = RenderExpressService(request.Now, cluster, service, request.Input.Strings("include").Contains("TAGS")) };
    }

    private static JsonObject DeleteExpressGatewayService(AwsRequest request, SimulationContext context)
    {
        var (cluster, service) = FindExpressService(request.RegionState, request.Input.Str("serviceArn"), notFound: EcsErrors.ServiceNotFound());
        var express = service.Express!;
        if (express.StatusCode != "ACTIVE" || service.Status != "ACTIVE")
        {
            throw EcsErrors.ServiceNotActive();
        }

        DeleteService(Internal(request, "DeleteService", new JsonObject { ["cluster"] = cluster.Name, ["service"] = service.Name, ["force"] = true }), context);
        express.StatusCode = "DRAINING";
        express.StatusReason = "Deleting: the service's tasks are stopping; then ECS removes the resources it provisioned.";
        express.UpdatedAt = request.Now;
        return new JsonObject { ["service"] = RenderExpressService(request.Now, cluster, service, includeTags: false) };
    }

    /// <summary>
    /// Builds a configuration from a create or update request over <paramref name="current"/>, with Express's defaults,
    /// and checks it as ECS does before anything is provisioned.
    /// </summary>
    private static ExpressConfigurationRecord ExpressConfiguration(RegionState region, JsonObject input, ExpressConfigurationRecord? current, string clusterName, string serviceName)
    {
        var customer = input.Str("taskDefinitionArn");
        if (customer is not null && TaskDefinitionOnlyExclusions.FirstOrDefault(m => input[m] is not null) is { } conflicting)
        {
            throw EcsErrors.Invalid($"{conflicting} can't be specified with taskDefinitionArn: the task definition defines it.");
        }

        var configuration = new ExpressConfigurationRecord
        {
            ExecutionRoleArn = input.Str("executionRoleArn") ?? current?.ExecutionRoleArn,
            TaskRoleArn = input.Str("taskRoleArn") ?? current?.TaskRoleArn,
            Cpu = input.Str("cpu") ?? current?.Cpu ?? DefaultExpressCpu,
            Memory = input.Str("memory") ?? current?.Memory ?? DefaultExpressMemory,
            HealthCheckPath = input.Str("healthCheckPath") ?? current?.HealthCheckPath ?? DefaultHealthCheckPath,
            PrimaryContainer = input.CloneObj("primaryContainer") ?? current?.PrimaryContainer?.DeepClone() as JsonObject,
            TaskDefinitionArn = current?.TaskDefinitionArn ?? string.Empty,
            CustomerTaskDefinition = current?.CustomerTaskDefinition ?? false,
        };
        if (customer is not null)
        {
            var definition = ResolveTaskDefinition(region, customer, activeOnly: true);
            ValidateExpressTaskDefinition(definition);
            configuration.TaskDefinitionArn = definition.Arn;
            configuration.CustomerTaskDefinition = true;
            configuration.PrimaryContainer = null;
            configuration.ExecutionRoleArn = definition.Definition.Str("executionRoleArn");
            configuration.TaskRoleArn = definition.Definition.Str("taskRoleArn");
            configuration.Cpu = definition.Definition.Str("cpu") ?? configuration.Cpu;
            configuration.Memory = definition.Definition.Str("memory") ?? configuration.Memory;
        }
        else if (input["primaryContainer"] is not null)
        {
            configuration.CustomerTaskDefinition = false;
        }

        if (!configuration.CustomerTaskDefinition)
        {
            var container = configuration.PrimaryContainer ?? throw EcsErrors.Invalid("Either primaryContainer or taskDefinitionArn must be specified.");
            if (string.IsNullOrWhiteSpace(container.Str("image")))
            {
                throw EcsErrors.Invalid("primaryContainer.image must be specified.");
            }

            // An update's primary container replaces the current one; the port and log settings carry over when omitted.
            var previous = current?.PrimaryContainer;
            var port = container.Int("containerPort") ?? previous?.Int("containerPort") ?? DefaultContainerPort;
            if (port is < 1 or > 65535)
            {
                throw EcsErrors.Invalid("primaryContainer.containerPort must be between 1 and 65535.");
            }

            container["containerPort"] = port;
            var logs = (JsonObject?)container.Obj("awsLogsConfiguration")?.DeepClone() ?? (JsonObject?)previous?.Obj("awsLogsConfiguration")?.DeepClone() ?? [];
            logs["logGroup"] ??= $"/aws/ecs/{clusterName}/{serviceName}";
            logs["logStreamPrefix"] ??= "ecs";
            container["awsLogsConfiguration"] = logs;
            if (string.IsNullOrEmpty(configuration.ExecutionRoleArn))
            {
                throw EcsErrors.Invalid("executionRoleArn must be specified: Express tasks pull the image and write logs with the task execution role.");
            }

            foreach (var (role, member) in new[] { (configuration.ExecutionRoleArn, "executionRoleArn"), (configuration.TaskRoleArn, "taskRoleArn") })
            {
                if (role is not null && !RoleArnPattern().IsMatch(role))
                {
                    throw EcsErrors.Invalid($"{member} {role} is not a valid IAM role ARN.");
                }
            }

            var cpu = ParseUnits(configuration.Cpu, "vcpu", "cpu")!.Value;
            var memory = ParseUnits(configuration.Memory, "gb", "memory")!.Value;
            if (!IsFargateSize(cpu, memory))
            {
                throw EcsErrors.Invalid($"No Fargate configuration exists for given values: {cpu.ToString(CultureInfo.InvariantCulture)} CPU, {memory.ToString(CultureInfo.InvariantCulture)} memory. See the Amazon ECS documentation for the valid values.");
            }

            configuration.Cpu = cpu.ToString(CultureInfo.InvariantCulture);
            configuration.Memory = memory.ToString(CultureInfo.InvariantCulture);
        }

        if (!configuration.HealthCheckPath.StartsWith('/'))
        {
            throw EcsErrors.Invalid("healthCheckPath must start with a forward slash (for example /health).");
        }

        configuration.NetworkConfiguration = ExpressNetwork(region, input.Obj("networkConfiguration"), current?.NetworkConfiguration);
        configuration.ScalingTarget = ExpressScaling(input.Obj("scalingTarget"), current?.ScalingTarget);
        return configuration;
    }

    /// <summary>A task definition for Express: FARGATE, and a container named Main with exactly one TCP port mapping that has a name.</summary>
    private static void ValidateExpressTaskDefinition(TaskDefinitionRecord definition)
    {
        if (!definition.Compatibilities.Contains("FARGATE"))
        {
            throw new AwsServiceException("PlatformTaskDefinitionIncompatibilityException", $"The task definition {definition.Family}:{definition.Revision.ToString(CultureInfo.InvariantCulture)} does not support FARGATE, which Express services run on.");
        }

        var main = definition.Definition.Objects("containerDefinitions").FirstOrDefault(c => c.Str("name") == ExpressContainerName)
            ?? throw EcsErrors.Invalid($"The task definition of an Express service must have a container named {ExpressContainerName}.");
        var mappings = main.Objects("portMappings").ToList();
        if (mappings.Count != 1 || mappings[0].Int("containerPort") is null || string.IsNullOrEmpty(mappings[0].Str("name")) || (mappings[0].Str("protocol") ?? "tcp") != "tcp")
        {
            throw EcsErrors.Invalid($"The {ExpressContainerName} container of an Express task definition must have exactly one TCP port mapping with a container port and a port name.");
        }
    }

    /// <summary>Subnets (default: the default VPC's default subnets) in one VPC and two zones, and security groups of that VPC.</summary>
    private static JsonObject ExpressNetwork(RegionState region, JsonObject? requested, JsonObject? current)
    {
        var subnetIds = requested?.Strings("subnets").ToList() is { Count: > 0 } given ? given
            : current?.Strings("subnets").ToList() ?? region.Ec2.Subnets.Where(s => s.DefaultForAz && region.Ec2.Vpcs.Any(v => v.IsDefault && v.VpcId == s.VpcId)).Select(s => s.SubnetId).ToList();
        var groups = requested?["securityGroups"] is JsonArray ? requested.Strings("securityGroups").ToList() : current?.Strings("securityGroups").ToList() ?? [];
        var missing = subnetIds.Where(s => region.Ec2.Subnets.All(x => x.SubnetId != s)).ToList();
        if (missing.Count > 0)
        {
            throw EcsErrors.Invalid($"Error retrieving subnet information for [{string.Join(", ", missing)}]: The subnet ID '{missing[0]}' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
        }

        var subnets = subnetIds.Select(s => region.Ec2.Subnets.First(x => x.SubnetId == s)).ToList();
        if (subnets.Select(s => s.VpcId).Distinct(StringComparer.Ordinal).Count() != 1)
        {
            throw EcsErrors.Invalid("The subnets must belong to the same VPC.");
        }

        if (subnets.Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            throw EcsErrors.Invalid("The subnets of an Express service must be in at least two Availability Zones: its Application Load Balancer needs them.");
        }

        foreach (var group in groups)
        {
            var record = region.Ec2.SecurityGroups.FirstOrDefault(g => g.GroupId == group)
                ?? throw EcsErrors.Invalid($"Error retrieving security group information for [{group}]: The security group '{group}' does not exist (ErrorCode: InvalidGroup.NotFound)");
            if (record.VpcId != subnets[0].VpcId)
            {
                throw EcsErrors.Invalid($"Security group {group} does not appear to belong to the same VPC as the input subnets.");
            }
        }

        return new JsonObject { ["securityGroups"] = groups.ToJsonArray(), ["subnets"] = subnetIds.ToJsonArray() };
    }

    /// <summary>Scaling target with Express's defaults: 1 to 20 tasks tracking 60% average CPU.</summary>
    private static JsonObject ExpressScaling(JsonObject? requested, JsonObject? current)
    {
        var scaling = (JsonObject?)current?.DeepClone() ?? new JsonObject { ["minTaskCount"] = 1, ["maxTaskCount"] = 20, ["autoScalingMetric"] = "AVERAGE_CPU", ["autoScalingTargetValue"] = 60 };
        foreach (var (name, value) in requested ?? [])
        {
            scaling[name] = value?.DeepClone();
        }

        var minimum = scaling.Int("minTaskCount") ?? 1;
        var maximum = scaling.Int("maxTaskCount") ?? Math.Max(20, minimum);
        var metric = scaling.Str("autoScalingMetric") ?? "AVERAGE_CPU";
        var target = scaling.Int("autoScalingTargetValue") ?? 60;
        if (minimum < 0 || maximum < 1 || minimum > maximum)
        {
            throw EcsErrors.Invalid($"scalingTarget: minTaskCount ({minimum.ToString(CultureInfo.InvariantCulture)}) must be at least 0 and at most maxTaskCount ({maximum.ToString(CultureInfo.InvariantCulture)}), which must be at least 1.");
        }

        if (!ScalingMetrics.Contains(metric))
        {
            throw EcsErrors.Invalid($"1 validation error detected: Value '{metric}' at 'scalingTarget.autoScalingMetric' failed to satisfy constraint: Member must satisfy enum value set: [AVERAGE_CPU, AVERAGE_MEMORY, REQUEST_COUNT_PER_TARGET]");
        }

        if (target < 1 || (metric != "REQUEST_COUNT_PER_TARGET" && target > 100))
        {
            throw EcsErrors.Invalid($"scalingTarget.autoScalingTargetValue {target.ToString(CultureInfo.InvariantCulture)} is out of range for {metric}.");
        }

        return new JsonObject { ["minTaskCount"] = minimum, ["maxTaskCount"] = maximum, ["autoScalingMetric"] = metric, ["autoScalingTargetValue"] = target };
    }

    private static string RegisterExpressTaskDefinition(AwsRequest request, string serviceName, ExpressConfigurationRecord configuration)
    {
        var container = configuration.PrimaryContainer!;
        var logs = container.Obj("awsLogsConfiguration")!;
        var definition = new JsonObject
        {
            ["family"] = "express-" + serviceName,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = configuration.Cpu,
            ["memory"] = configuration.Memory,
            ["executionRoleArn"] = configuration.ExecutionRoleArn,
            ["runtimePlatform"] = new JsonObject { ["cpuArchitecture"] = "X86_64", ["operatingSystemFamily"] = "LINUX" },
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = ExpressContainerName,
                ["image"] = container.Str("image"),
                ["essential"] = true,
                ["portMappings"] = new JsonArray(new JsonObject
                {
                    ["containerPort"] = container.Int("containerPort"),
                    ["protocol"] = "tcp",
                    ["name"] = "http",
                    ["appProtocol"] = "http",
                }),
                ["environment"] = container["environment"]?.DeepClone() ?? new JsonArray(),
                ["logConfiguration"] = new JsonObject
                {
                    ["logDriver"] = "awslogs",
                    ["options"] = new JsonObject
                    {
                        ["awslogs-group"] = logs.Str("logGroup"),
                        ["awslogs-region"] = request.Region,
                        ["awslogs-stream-prefix"] = logs.Str("logStreamPrefix"),
                    },
                },
            }.Put("secrets", container["secrets"]?.DeepClone()).Put("command", container["command"]?.DeepClone())
             .Put("repositoryCredentials", container["repositoryCredentials"]?.DeepClone())),
            ["tags"] = new JsonArray(new JsonObject { ["key"] = ExpressGateways.ManagedTag, ["value"] = "true" }),
        }.Put("taskRoleArn", configuration.TaskRoleArn);
        var registered = RegisterTaskDefinition(Internal(request, "RegisterTaskDefinition", definition));
        return registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    /// <summary>The shared HTTPS load balancer of the VPC (and scheme), created with its security group and listener on first use.</summary>
    private static void ProvisionLoadBalancer(SimulationContext context, ExpressGatewayRecord express, List<SubnetRecord> subnets, string vpcId, JsonArray tags)
    {
        var region = context.Region;
        var resources = express.Resources;
        var scheme = express.AccessType == "PUBLIC" ? "internet-facing" : "internal";
        var key = $"{vpcId}/{scheme}";
        var balancer = region.Elbv2.LoadBalancers.Values.FirstOrDefault(l => l.Tags.OfType<JsonObject>().Any(t => t.Str("Key") == ExpressGateways.SharedLoadBalancerTag && t.Str("Value") == key));
        if (balancer is not null)
        {
            resources.LoadBalancerArn = balancer.Arn;
            resources.LoadBalancerSecurityGroupId = balancer.SecurityGroups.FirstOrDefault() ?? string.Empty;
            var listener = region.Elbv2.Listeners.Values.First(l => l.LoadBalancerArn == balancer.Arn && l.Port == 443);
            resources.ListenerArn = listener.Arn;
            resources.CertificateArn = listener.Certificates?.OfType<JsonObject>().FirstOrDefault()?.Str("CertificateArn") ?? string.Empty;
            return;
        }

        var suffix = Ids.Hex(8);
        var group = ExpressGateways.Call(context, "ec2", "CreateSecurityGroup", new JsonObject
        {
            ["GroupName"] = $"ecs-express-gateway-alb-{suffix}",
            ["GroupDescription"] = "Express services' load balancer: HTTPS (443) from anywhere",
            ["VpcId"] = vpcId,
        });
        resources.LoadBalancerSecurityGroupId = group.Str("groupId")!;
        var balancerTags = (JsonArray)tags.DeepClone();
        balancerTags.Add(new JsonObject { ["Key"] = ExpressGateways.SharedLoadBalancerTag, ["Value"] = key });
        var created = ExpressGateways.Call(context, "elasticloadbalancing", "CreateLoadBalancer", new JsonObject
        {
            ["Name"] = $"ecs-express-gateway-alb-{suffix}",
            ["Subnets"] = subnets.Select(s => s.SubnetId).ToJsonArray(),
            ["SecurityGroups"] = new JsonArray(resources.LoadBalancerSecurityGroupId),
            ["Scheme"] = scheme,
            ["Type"] = "application",
            ["Tags"] = balancerTags,
        });
        resources.LoadBalancerArn = created.Arr("LoadBalancers")![0]!["LoadBalancerArn"]!.GetValue<string>();
        resources.CertificateArn = $"arn:aws:acm:{region.Name}:{Account.Id}:certificate/{Guid.NewGuid()}";
        var listenerResult = ExpressGateways.Call(context, "elasticloadbalancing", "CreateListener", new JsonObject
        {
            ["LoadBalancerArn"] = resources.LoadBalancerArn,
            ["Protocol"] = "HTTPS",
            ["Port"] = 443,
            ["Certificates"] = new JsonArray(new JsonObject { ["CertificateArn"] = resources.CertificateArn }),
            ["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06",
            ["DefaultActions"] = new JsonArray(new JsonObject
            {
                ["Type"] = "fixed-response",
                ["FixedResponseConfig"] = new JsonObject { ["StatusCode"] = "404", ["ContentType"] = "text/plain", ["MessageBody"] = "No Express service answers on this host name." },
            }),
            ["Tags"] = tags.DeepClone(),
        });
        resources.ListenerArn = listenerResult.Arr("Listeners")![0]!["ListenerArn"]!.GetValue<string>();
    }

    private static void ApplyScaling(SimulationContext context, ExpressGatewayRecord express, ExpressConfigurationRecord configuration)
    {
        var resources = express.Resources;
        var scaling = configuration.ScalingTarget;
        ExpressGateways.Call(context, "application-autoscaling", "RegisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resources.ScalableTargetResourceId,
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["MinCapacity"] = scaling.Int("minTaskCount"),
            ["MaxCapacity"] = scaling.Int("maxTaskCount"),
        });
        var metric = new JsonObject
        {
            ["PredefinedMetricType"] = scaling.Str("autoScalingMetric") switch
            {
                "AVERAGE_MEMORY" => "ECSServiceAverageMemoryUtilization",
                "REQUEST_COUNT_PER_TARGET" => "ALBRequestCountPerTarget",
                _ => "ECSServiceAverageCPUUtilization",
            },
        };
        if (scaling.Str("autoScalingMetric") == "REQUEST_COUNT_PER_TARGET")
        {
            static string Tail(string arn, string marker) => arn[(arn.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            metric["ResourceLabel"] = $"{Tail(resources.LoadBalancerArn, "loadbalancer/")}/targetgroup/{Tail(resources.TargetGroupArns[0], "targetgroup/")}";
        }

        var existing = context.Region.AutoScaling.Policies.FirstOrDefault(p => p.Name == resources.ScalingPolicyName && p.ResourceId == resources.ScalableTargetResourceId);
        if (existing is not null && existing.TargetTrackingScalingPolicyConfiguration?.Obj("PredefinedMetricSpecification")?.Str("PredefinedMetricType") != metric.Str("PredefinedMetricType"))
        {
            // Another metric needs other alarms: replace the policy.
            ExpressGateways.Call(context, "application-autoscaling", "DeleteScalingPolicy", new JsonObject
            {
                ["PolicyName"] = resources.ScalingPolicyName,
                ["ServiceNamespace"] = "ecs",
                ["ResourceId"] = resources.ScalableTargetResourceId,
                ["ScalableDimension"] = "ecs:service:DesiredCount",
            });
        }

        ExpressGateways.Call(context, "application-autoscaling", "PutScalingPolicy", new JsonObject
        {
            ["PolicyName"] = resources.ScalingPolicyName,
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resources.ScalableTargetResourceId,
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["PolicyType"] = "TargetTrackingScaling",
            ["TargetTrackingScalingPolicyConfiguration"] = new JsonObject
            {
                ["TargetValue"] = (double)scaling.Int("autoScalingTargetValue")!.Value,
                ["PredefinedMetricSpecification"] = metric,
                ["ScaleInCooldown"] = 300,
                ["ScaleOutCooldown"] = 60,
            },
        });
    }

    /// <summary>The deployment configuration ECS gives an Express service: canary 5% for 3 minutes, 3-minute bake, rollback on failure or alarm.</summary>
    private static JsonObject ExpressDeploymentConfiguration(ExpressResources resources) => new()
    {
        ["strategy"] = "CANARY",
        ["canaryConfiguration"] = new JsonObject { ["canaryPercent"] = 5.0, ["canaryBakeTimeInMinutes"] = 3 },
        ["bakeTimeInMinutes"] = 3,
        ["maximumPercent"] = 200,
        ["minimumHealthyPercent"] = 100,
        ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = true },
        ["alarms"] = new JsonObject { ["alarmNames"] = new JsonArray(resources.RollbackAlarmName), ["enable"] = true, ["rollback"] = true },
    };

    /// <summary>The alarm that rolls a deployment back: 4xx plus 5xx responses above 1% of requests in 2 of 3 minutes.</summary>
    private static JsonObject RollbackAlarm(ExpressResources resources, ExpressGatewayRecord express, string serviceName)
    {
        static string Tail(string arn, string marker) => arn[(arn.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        var balancer = Tail(resources.LoadBalancerArn, "loadbalancer/");
        JsonObject Metric(string id, string name) => new()
        {
            ["Id"] = id,
            ["MetricStat"] = new JsonObject
            {
                ["Metric"] = new JsonObject
                {
                    ["Namespace"] = "AWS/ApplicationELB",
                    ["MetricName"] = name,
                    ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "LoadBalancer", ["Value"] = balancer }, new JsonObject { ["Name"] = "TargetGroup", ["Value"] = "targetgroup/" + Tail(resources.TargetGroupArns[0], "targetgroup/") }),
                },
                ["Period"] = 60,
                ["Stat"] = "Sum",
            },
            ["ReturnData"] = false,
        };
        return new JsonObject
        {
            ["AlarmName"] = resources.RollbackAlarmName,
            ["AlarmDescription"] = $"Rolls back deployments of the Express service {serviceName} ({express.Endpoint}) when 4xx and 5xx responses exceed 1% of requests.",
            ["ActionsEnabled"] = false,
            ["Metrics"] = new JsonArray(
                Metric("m4xx", "HTTPCode_Target_4XX_Count"),
                Metric("m5xx", "HTTPCode_Target_5XX_Count"),
                Metric("requests", "RequestCount"),
                new JsonObject { ["Id"] = "errors", ["Expression"] = "100 * (m4xx + m5xx) / requests", ["Label"] = "4xx and 5xx responses (%)", ["ReturnData"] = true }),
            ["EvaluationPeriods"] = 3,
            ["DatapointsToAlarm"] = 2,
            ["Threshold"] = 1.0,
            ["ComparisonOperator"] = "GreaterThanThreshold",
            ["TreatMissingData"] = "notBreaching",
        };
    }

    private static JsonObject TaskNetwork(ExpressGatewayRecord express, ExpressConfigurationRecord configuration)
    {
        var groups = configuration.NetworkConfiguration.Strings("securityGroups").ToList();
        if (groups.Count == 0 && express.Resources.TaskSecurityGroupId is { } created)
        {
            groups.Add(created);
        }

        return new JsonObject
        {
            ["awsvpcConfiguration"] = new JsonObject
            {
                ["subnets"] = configuration.NetworkConfiguration["subnets"]!.DeepClone(),
                ["securityGroups"] = groups.ToJsonArray(),
                ["assignPublicIp"] = express.AccessType == "PUBLIC" ? "ENABLED" : "DISABLED",
            },
        };
    }

    private static int ExpressContainerPort(RegionState region, ExpressConfigurationRecord configuration) =>
        configuration.PrimaryContainer?.Int("containerPort")
        ?? region.TaskDefinitions.Values.First(t => t.Arn == configuration.TaskDefinitionArn).Definition.Objects("containerDefinitions")
            .First(c => c.Str("name") == ExpressContainerName).Objects("portMappings").First().Int("containerPort")!.Value;

    private static string VpcOf(RegionState region, JsonObject network) =>
        region.Ec2.Subnets.First(s => s.SubnetId == network.Strings("subnets").First()).VpcId;

    /// <summary>The configuration the service runs (or is being deployed to): a rollback's restored one, else the latest.</summary>
    internal static ExpressConfigurationRecord CurrentExpressConfiguration(EcsService service)
    {
        var express = service.Express!;
        var record = service.ServiceDeployments.LastOrDefault();
        var revision = record?.Status is "ROLLBACK_IN_PROGRESS" or "ROLLBACK_SUCCESSFUL" ? record.RollbackRevisionArn : record?.TargetRevisionArn;
        return express.Configurations.LastOrDefault(c => c.ServiceRevisionArn == revision) ?? express.Configurations[^1];
    }

    private static (EcsCluster Cluster, EcsService Service) FindExpressService(RegionState region, string? arn, AwsServiceException notFound)
    {
        if (arn is null)
        {
            throw EcsErrors.Required("serviceArn");
        }

        var clusterName = EcsArns.ClusterOf(arn) ?? throw EcsErrors.Invalid($"{arn} is not a service ARN.");
        var cluster = FindCluster(region, clusterName);
        if (!cluster.Services.TryGetValue(EcsArns.NameOf(arn), out var service))
        {
            throw notFound;
        }

        if (service.Express is null)
        {
            throw EcsErrors.Invalid($"The service {service.Name} is not an Express service (its resourceManagementType is CUSTOMER); use UpdateService and DeleteService.");
        }

        return (cluster, service);
    }

    internal static JsonObject RenderExpressService(DateTimeOffset now, EcsCluster cluster, EcsService service, bool includeTags)
    {
        var express = service.Express!;
        var running = service.Deployments.Select(d => d.ServiceRevisionArn).ToHashSet(StringComparer.Ordinal);
        var active = express.Configurations.Where(c => running.Contains(c.ServiceRevisionArn)).OrderByDescending(c => c.CreatedAt).ToList();
        if (active.Count == 0)
        {
            active.Add(CurrentExpressConfiguration(service));
        }

        var result = new JsonObject
        {
            ["cluster"] = cluster.Arn,
            ["serviceName"] = service.Name,
            ["serviceArn"] = service.Arn,
            ["infrastructureRoleArn"] = express.InfrastructureRoleArn,
            ["status"] = ExpressStatus(express),
            ["activeConfigurations"] = active.Select(c => (JsonNode?)RenderExpressConfiguration(express, c, now)).ToJsonArray(),
            ["createdAt"] = AwsValues.Timestamp(express.CreatedAt),
            ["updatedAt"] = AwsValues.Timestamp(express.UpdatedAt),
        };
        result.Put("currentDeployment", service.ServiceDeployments.LastOrDefault()?.Arn);
        if (includeTags)
        {
            result["tags"] = service.Tags?.DeepClone() ?? new JsonArray();
        }

        return result;
    }

    private static JsonObject ExpressStatus(ExpressGatewayRecord express) =>
        new JsonObject { ["statusCode"] = express.StatusCode }.Put("statusReason", express.StatusReason);

    private static JsonObject RenderExpressConfiguration(ExpressGatewayRecord express, ExpressConfigurationRecord configuration, DateTimeOffset now)
    {
        var result = new JsonObject
        {
            ["serviceRevisionArn"] = configuration.ServiceRevisionArn,
            ["taskDefinitionArn"] = configuration.TaskDefinitionArn,
            ["cpu"] = configuration.Cpu,
            ["memory"] = configuration.Memory,
            ["networkConfiguration"] = configuration.NetworkConfiguration.DeepClone(),
            ["healthCheckPath"] = configuration.HealthCheckPath,
            ["scalingTarget"] = configuration.ScalingTarget.DeepClone(),
            ["ingressPaths"] = express.StatusCode == "ACTIVE" && now >= express.ReadyAt
                ? new JsonArray(new JsonObject { ["accessType"] = express.AccessType, ["endpoint"] = express.Endpoint })
                : new JsonArray(),
            ["createdAt"] = AwsValues.Timestamp(configuration.CreatedAt),
        };
        return result.Put("executionRoleArn", configuration.ExecutionRoleArn).Put("taskRoleArn", configuration.TaskRoleArn)
            .Put("primaryContainer", configuration.PrimaryContainer?.DeepClone());
    }

    private static EcsCluster CreateDefaultCluster(AwsRequest request, SimulationContext context)
    {
        CreateCluster(Internal(request, "CreateCluster", new JsonObject
        {
            ["clusterName"] = "default",
            ["capacityProviders"] = new JsonArray("FARGATE", "FARGATE_SPOT"),
            ["defaultCapacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE", ["weight"] = 1 }),
        }), context);
        return request.RegionState.Clusters["default"];
    }

    /// <summary>Unnamed Express services are named after their image's repository, with a random suffix.</summary>
    private static string GeneratedServiceName(JsonObject input)
    {
        var image = input.Obj("primaryContainer")?.Str("image") ?? input.Str("taskDefinitionArn") ?? "express";
        var repository = image.Split('@')[0].Split('/')[^1].Split(':')[0];
        var name = new string(repository.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return $"{(name.Length == 0 ? "express" : name[..Math.Min(name.Length, 200)])}-{Ids.Hex(6)}";
    }

    /// <summary>Express host names start with two characters of the service name (as <c>ag-…</c> for a service named agent…).</summary>
    private static string EndpointPrefix(string serviceName)
    {
        var letters = serviceName.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(2).ToArray();
        return letters.Length == 2 ? new string(letters) : "ex";
    }

    private static JsonArray ManagedTags(string serviceName) => new(
        new JsonObject { ["Key"] = ExpressGateways.ManagedTag, ["Value"] = "true" },
        new JsonObject { ["Key"] = "ecs:express-gateway:service", ["Value"] = serviceName });

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>A call ECS makes to itself while handling <paramref name="outer"/> (same region, account and time).</summary>
    private static AwsRequest Internal(AwsRequest outer, string operation, JsonObject input) => new()
    {
        Service = "ecs",
        Operation = operation,
        Region = outer.Region,
        RequestId = outer.RequestId,
        Input = input,
        Now = outer.Now,
        Account = outer.Account,
    };
}
