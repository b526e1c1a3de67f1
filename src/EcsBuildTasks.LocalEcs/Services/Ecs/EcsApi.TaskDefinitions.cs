using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static readonly string[] TaskDefinitionMembers =
    [
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes", "placementConstraints",
        "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration", "inferenceAccelerators",
        "ephemeralStorage", "runtimePlatform", "enableFaultInjection",
    ];

    private static readonly HashSet<string> NetworkModes = ["bridge", "host", "awsvpc", "none"];
    private static readonly HashSet<string> Compatibilities = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

    /// <summary>Fargate's task size table: cpu units → allowed memory (MiB).</summary>
    private static readonly Dictionary<int, (int Min, int Max, int Step, int[] Extra)> FargateSizes = new()
    {
        [256] = (512, 512, 512, [1024, 2048]),
        [512] = (1024, 4096, 1024, []),
        [1024] = (2048, 8192, 1024, []),
        [2048] = (4096, 16384, 1024, []),
        [4096] = (8192, 30720, 1024, []),
        [8192] = (16384, 61440, 4096, []),
        [16384] = (32768, 122880, 8192, []),
    };

    private static JsonObject RegisterTaskDefinition(AwsRequest request)
    {
        var input = request.Input;
        var definition = new JsonObject();
        foreach (var member in TaskDefinitionMembers)
        {
            if (input[member] is { } value)
            {
                definition[member] = value.DeepClone();
            }
        }

        var compatibilities = ValidateTaskDefinition(definition);
        var region = request.RegionState;
        var family = definition.Str("family")!;
        var revision = region.TaskDefinitionFamilyRevisions.GetValueOrDefault(family) + 1;
        region.TaskDefinitionFamilyRevisions[family] = revision;
        var record = new TaskDefinitionRecord
        {
            Arn = EcsArns.TaskDefinition(request.Region, family, revision),
            Family = family,
            Revision = revision,
            RegisteredAt = request.Now,
            Definition = definition,
            Tags = input.CloneArr("tags"),
            Compatibilities = compatibilities,
        };
        region.TaskDefinitions[$"{family}:{revision}"] = record;
        return new JsonObject { ["taskDefinition"] = RenderTaskDefinition(record), ["tags"] = record.Tags?.DeepClone() ?? new JsonArray() };
    }

    /// <summary>ECS's checks on a task definition; normalizes it in place and returns its compatibilities.</summary>
    internal static List<string> ValidateTaskDefinition(JsonObject definition)
    {
        var family = definition.Str("family") ?? throw EcsErrors.Client("Family is required.");
        if (!NamePattern().IsMatch(family))
        {
            throw EcsErrors.Client("Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.");
        }

        var requires = definition.Strings("requiresCompatibilities").ToList();
        foreach (var compatibility in requires.Where(c => !Compatibilities.Contains(c)))
        {
            throw EcsErrors.Client($"1 validation error detected: Value '[{compatibility}]' at 'requiresCompatibilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]]");
        }

        var fargate = requires.Contains("FARGATE");
        var networkMode = definition.Str("networkMode");
        if (networkMode is not null && !NetworkModes.Contains(networkMode))
        {
            throw EcsErrors.Client($"1 validation error detected: Value '{networkMode}' at 'networkMode' failed to satisfy constraint: Member must satisfy enum value set: [bridge, host, awsvpc, none]");
        }

        if (fargate && networkMode != "awsvpc")
        {
            throw EcsErrors.Client("Fargate only supports network mode \u2018awsvpc\u2019.");
        }

        networkMode ??= "bridge";

        var taskCpu = ParseUnits(definition.Str("cpu"), "vcpu", "cpu");
        var taskMemory = ParseUnits(definition.Str("memory"), "gb", "memory");
        if (taskCpu is not null)
        {
            definition["cpu"] = taskCpu.Value.ToString(CultureInfo.InvariantCulture);
        }

        if (taskMemory is not null)
        {
            definition["memory"] = taskMemory.Value.ToString(CultureInfo.InvariantCulture);
        }

        if (fargate)
        {
            if (taskCpu is null)
            {
                throw EcsErrors.Client("Fargate requires that 'cpu' be defined at the task level.");
            }

            if (taskMemory is null)
            {
                throw EcsErrors.Client("Fargate requires that 'memory' be defined at the task level.");
            }
        }

        var fargateSizeValid = taskCpu is not null && taskMemory is not null && IsFargateSize(taskCpu.Value, taskMemory.Value);
        if (fargate && !fargateSizeValid)
        {
            throw EcsErrors.Client($"No Fargate configuration exists for given values: {taskCpu} CPU, {taskMemory} memory. See the Amazon ECS documentation for the valid values.");
        }

        var containers = definition.Arr("containerDefinitions");
        if (containers is null || containers.Count == 0)
        {
            throw EcsErrors.Client("Container list cannot be empty.");
        }

        if (containers.Count > 10)
        {
            throw EcsErrors.Client($"Too many containers: {containers.Count}. A task definition can have at most 10 container definitions.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var anyEssential = false;
        foreach (var container in containers.OfType<JsonObject>())
        {
            var name = container.Str("name") ?? throw EcsErrors.Client("Container.name should not be null or empty.");
            if (!NamePattern().IsMatch(name))
            {
                throw EcsErrors.Client($"Container name '{name}' is invalid. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.");
            }

            if (!names.Add(name))
            {
                throw EcsErrors.Client($"Duplicate container names are not allowed: '{name}'.");
            }

            if (string.IsNullOrWhiteSpace(container.Str("image")))
            {
                throw EcsErrors.Client("Container.image should not be null or empty.");
            }

            var essential = container.Bool("essential") ?? true;
            container["essential"] = essential;
            anyEssential |= essential;
            var memory = container.Int("memory");
            var reservation = container.Int("memoryReservation");
            if (memory is null && reservation is null && taskMemory is null)
            {
                throw EcsErrors.Client($"Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified.");
            }

            if (memory is not null && taskMemory is not null && memory > taskMemory)
            {
                throw EcsErrors.Client($"The 'memory' setting for container '{name}' is greater than for the task.");
            }

            if (memory is not null && reservation is not null && reservation > memory)
            {
                throw EcsErrors.Client($"Invalid setting for container '{name}'. 'memoryReservation' must be less than or equal to 'memory'.");
            }

            if (memory is < 6)
            {
                throw EcsErrors.Client($"Invalid setting for container '{name}'. The 'memory' setting must be at least 6 MiB.");
            }

            container["cpu"] ??= 0;
            container["portMappings"] ??= new JsonArray();
            container["environment"] ??= new JsonArray();
            container["mountPoints"] ??= new JsonArray();
            container["volumesFrom"] ??= new JsonArray();
            foreach (var mapping in container.Objects("portMappings"))
            {
                var containerPort = mapping.Int("containerPort") ?? throw EcsErrors.Client($"Invalid setting for container '{name}'. 'containerPort' is required in port mappings.");
                var hostPort = mapping.Int("hostPort");
                if (networkMode == "awsvpc" && hostPort is not null && hostPort != containerPort)
                {
                    throw EcsErrors.Client("When networkMode=awsvpc, the host ports and container ports in port mappings must match.");
                }

                if (networkMode is "awsvpc" or "host")
                {
                    mapping["hostPort"] = containerPort;
                }

                mapping["protocol"] ??= "tcp";
            }

            ValidateHealthCheck(name, container.Obj("healthCheck"));
            ValidateLogConfiguration(name, container.Obj("logConfiguration"), fargate, definition.Str("executionRoleArn"));
        }

        if (!anyEssential)
        {
            throw EcsErrors.Client("A task definition must have at least one essential container.");
        }

        definition["networkMode"] = networkMode;
        definition["volumes"] ??= new JsonArray();
        definition["placementConstraints"] ??= new JsonArray();
        var result = new List<string> { "EC2" };
        if (networkMode == "awsvpc" && fargateSizeValid)
        {
            result.Add("FARGATE");
        }

        return result;
    }

    private static void ValidateHealthCheck(string container, JsonObject? healthCheck)
    {
        if (healthCheck is null)
        {
            return;
        }

        if (!healthCheck.Strings("command").Any())
        {
            throw EcsErrors.Client($"Invalid 'healthCheck' setting for container '{container}'. 'command' must not be empty.");
        }

        Range("interval", 5, 300, 30);
        Range("timeout", 2, 60, 5);
        Range("retries", 1, 10, 3);
        Range("startPeriod", 0, 300, 0);

        void Range(string member, int minimum, int maximum, int fallback)
        {
            var value = healthCheck.Int(member) ?? fallback;
            if (value < minimum || value > maximum)
            {
                throw EcsErrors.Client($"Invalid 'healthCheck' setting for container '{container}'. '{member}' must be between {minimum} and {maximum}.");
            }

            healthCheck[member] = value;
        }
    }

    private static void ValidateLogConfiguration(string container, JsonObject? logConfiguration, bool fargate, string? executionRoleArn)
    {
        if (logConfiguration?.Str("logDriver") != "awslogs")
        {
            return;
        }

        var options = logConfiguration.Obj("options") ?? [];
        foreach (var required in new[] { "awslogs-group", "awslogs-region" })
        {
            if (string.IsNullOrEmpty(options.Str(required)))
            {
                throw EcsErrors.Client($"Log driver awslogs option '{required}' should not be null or empty.");
            }
        }

        if (fargate && string.IsNullOrEmpty(options.Str("awslogs-stream-prefix")))
        {
            throw EcsErrors.Client($"Log driver awslogs requires options: awslogs-stream-prefix for container '{container}' on Fargate.");
        }

        if (fargate && string.IsNullOrEmpty(executionRoleArn))
        {
            throw EcsErrors.Client("Fargate requires task definition to have execution role ARN to support log driver awslogs.");
        }
    }

    private static bool IsFargateSize(int cpu, int memory) =>
        FargateSizes.TryGetValue(cpu, out var size)
        && (size.Extra.Contains(memory) || (memory >= size.Min && memory <= size.Max && (memory - size.Min) % size.Step == 0));

    /// <summary>Task-level cpu/memory accept units ("1 vCPU", "2 GB") and become unit counts ("1024", "2048").</summary>
    private static int? ParseUnits(string? value, string unit, string member)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim().ToLowerInvariant();
        var multiplier = 1.0;
        if (text.EndsWith(unit, StringComparison.Ordinal))
        {
            text = text[..^unit.Length].Trim();
            multiplier = 1024;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw EcsErrors.Client($"Invalid '{member}' setting for task.");
        }

        return (int)Math.Round(number * multiplier);
    }

    private static JsonObject DescribeTaskDefinition(AwsRequest request)
    {
        var record = ResolveTaskDefinition(request.RegionState, request.Input.Str("taskDefinition") ?? throw EcsErrors.Required("taskDefinition"), activeOnly: false);
        var result = new JsonObject { ["taskDefinition"] = RenderTaskDefinition(record) };
        if (request.Input.Strings("include").Contains("TAGS"))
        {
            result["tags"] = record.Tags?.DeepClone() ?? new JsonArray();
        }

        return result;
    }

    private static JsonObject ListTaskDefinitions(AwsRequest request)
    {
        var prefix = request.Input.Str("familyPrefix");
        var status = request.Input.Str("status") ?? "ACTIVE";
        var descending = request.Input.Str("sort") == "DESC";
        var records = request.RegionState.TaskDefinitions.Values
            .Where(t => t.Status == status && (prefix is null || t.Family == prefix))
            .OrderBy(t => t.Family, StringComparer.Ordinal).ThenBy(t => t.Revision)
            .Select(t => t.Arn)
            .ToList();
        if (descending)
        {
            records.Reverse();
        }

        return Page(records, "taskDefinitionArns");
    }

    private static JsonObject ListTaskDefinitionFamilies(AwsRequest request)
    {
        var prefix = request.Input.Str("familyPrefix");
        var status = request.Input.Str("status") ?? "ACTIVE";
        var families = request.RegionState.TaskDefinitions.Values
            .GroupBy(t => t.Family, StringComparer.Ordinal)
            .Where(g => (prefix is null || g.Key.StartsWith(prefix, StringComparison.Ordinal))
                && (status == "ALL" || (status == "ACTIVE" ? g.Any(t => t.Status == "ACTIVE") : g.All(t => t.Status != "ACTIVE"))))
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Page(families, "families");
    }

    private static JsonObject DeregisterTaskDefinition(AwsRequest request)
    {
        var reference = request.Input.Str("taskDefinition") ?? throw EcsErrors.Required("taskDefinition");
        if (!reference.Contains(':', StringComparison.Ordinal))
        {
            throw EcsErrors.Client("Revision must be specified: family:revision or the full ARN.");
        }

        var record = ResolveTaskDefinition(request.RegionState, reference, activeOnly: false);
        if (record.Status == "ACTIVE")
        {
            record.Status = "INACTIVE";
            record.DeregisteredAt = request.Now;
        }

        return new JsonObject { ["taskDefinition"] = RenderTaskDefinition(record) };
    }

    private static JsonObject DeleteTaskDefinitions(AwsRequest request)
    {
        var deleted = new JsonArray();
        var failures = new JsonArray();
        foreach (var reference in request.Input.Strings("taskDefinitions"))
        {
            TaskDefinitionRecord record;
            try
            {
                record = ResolveTaskDefinition(request.RegionState, reference, activeOnly: false);
            }
            catch (AwsServiceException)
            {
                failures.Add(Failure(reference, "TASK_DEFINITION_NOT_FOUND"));
                continue;
            }

            if (record.Status == "ACTIVE")
            {
                failures.Add(Failure(record.Arn, "The specified task definition is still in ACTIVE status. Please deregister the target and try again."));
                continue;
            }

            record.Status = "DELETE_IN_PROGRESS";
            record.DeleteRequestedAt = request.Now;
            deleted.Add(RenderTaskDefinition(record));
        }

        return new JsonObject { ["taskDefinitions"] = deleted, ["failures"] = failures };
    }

    /// <summary>Resolves <c>family</c> (latest ACTIVE revision), <c>family:revision</c> or an ARN.</summary>
    internal static TaskDefinitionRecord ResolveTaskDefinition(RegionState region, string reference, bool activeOnly)
    {
        var name = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference[(reference.IndexOf("task-definition/", StringComparison.Ordinal) + "task-definition/".Length)..] : reference;
        TaskDefinitionRecord? record;
        if (name.Contains(':', StringComparison.Ordinal))
        {
            record = region.TaskDefinitions.GetValueOrDefault(name);
        }
        else
        {
            record = region.TaskDefinitions.Values.Where(t => t.Family == name && t.Status == "ACTIVE").MaxBy(t => t.Revision);
        }

        if (record is null || record.Status == "DELETE_IN_PROGRESS")
        {
            throw EcsErrors.TaskDefinitionNotFound();
        }

        if (activeOnly && record.Status != "ACTIVE")
        {
            throw EcsErrors.Invalid($"TaskDefinition is inactive: {record.Arn}");
        }

        return record;
    }

    internal static JsonObject RenderTaskDefinition(TaskDefinitionRecord record)
    {
        var result = (JsonObject)record.Definition.DeepClone();
        result["taskDefinitionArn"] = record.Arn;
        result["revision"] = record.Revision;
        result["status"] = record.Status;
        result["compatibilities"] = record.Compatibilities.ToJsonArray();
        result["requiresAttributes"] = new JsonArray();
        result["registeredAt"] = AwsValues.Timestamp(record.RegisteredAt);
        result["registeredBy"] = Account.UserArn;
        result.Put("deregisteredAt", record.DeregisteredAt);
        result.Put("deleteRequestedAt", record.DeleteRequestedAt);
        return result;
    }

    [GeneratedRegex(@"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$")]
    internal static partial Regex RoleArnPattern();
}
