using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Checks the final task definition against ECS's rules before anything is built or changed, so a mistake costs
/// seconds in the build rather than a failed deployment: the family, the task size (Fargate's table), every container
/// (resources, ports, environment, secrets, health check, logging), the runtime platform, the roles and the tags. Each
/// finding names the property (or template member) the value came from.
/// </summary>
internal static partial class TaskDefinitionValidator
{
    private const int MaxContainers = 10;

    public static void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics) =>
        new Context(definitions.Settings, definitions.TaskDefinition, definitions.Service, definitions.Target, diagnostics).Run();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+(:[^:]*:[^:]*:[^:]*)?$")]
    private static partial Regex SecretsManagerArn();

    [GeneratedRegex(@"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[\w./-]+$")]
    private static partial Regex SsmParameterArn();

    [GeneratedRegex(@"^/?[\w.-]+(/[\w.-]+)*$")]
    private static partial Regex SsmParameterName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex EnvironmentVariableName();

    private sealed class Context(EcsSettings settings, RegisterTaskDefinitionRequest task, CreateServiceRequest service, LaunchTarget target, DiagnosticCollection diagnostics)
    {
        private readonly bool taskTemplate = settings.TaskDefinitionTemplate is not null;

        private string? NetworkMode => task.NetworkMode?.Value;

        public void Run()
        {
            ValidateFamily();
            ValidateTaskSize();
            ValidateContainers();
            ValidateRuntimePlatform();
            ValidateRoles();
            ValidateTags();
        }

        private void ValidateFamily()
        {
            if (!EcsNames.IsValid(task.Family))
            {
                diagnostics.Error(DiagnosticCodes.InvalidTaskFamily, DefinitionSubjects.Task(settings, EcsProperties.TaskFamily, settings.TaskFamily, "family"),
                    task.Family is null
                        ? $"No task definition family: set {EcsProperties.TaskFamily} (or ContainerRepository, which it defaults from)."
                        : $"{DefinitionSubjects.Task(settings, EcsProperties.TaskFamily, settings.TaskFamily, "family")}='{task.Family}' is not a valid family: use 1–255 letters, digits, '-' and '_'.");
            }
        }

        private void ValidateTaskSize()
        {
            var cpuText = task.Cpu;
            var memoryText = task.Memory;
            var cpuSubject = DefinitionSubjects.Task(settings, EcsProperties.Cpu, settings.Cpu, "cpu");
            var memorySubject = DefinitionSubjects.Task(settings, EcsProperties.Memory, settings.Memory, "memory");
            int? cpu = ParseSize(cpuText, cpuSubject, "CPU units");
            int? memory = ParseSize(memoryText, memorySubject, "MiB");
            if (!IsFargateTask())
            {
                if (cpu is < 128 or > 196_608)
                {
                    diagnostics.Error(DiagnosticCodes.TaskSizeInvalid, cpuSubject, $"{cpuSubject}={cpu} is outside the 128–196608 CPU units ECS allows for a task.");
                }

                return;
            }

            if (cpu is null || memory is null)
            {
                var subject = cpu is null ? cpuSubject : memorySubject;
                diagnostics.Error(DiagnosticCodes.FargateTaskSizeRequired, subject,
                    $"{subject} is missing: Fargate needs task-level CPU and memory; set {EcsProperties.Cpu} and {EcsProperties.Memory}.");
                return;
            }

            if (!FargateSizes.IsValidCpu(cpu.Value))
            {
                diagnostics.Error(DiagnosticCodes.FargateCpuInvalid, cpuSubject, $"{cpuSubject}={cpu} is not a Fargate size; use one of {string.Join(", ", FargateSizes.CpuValues)}.");
                return;
            }

            if (!FargateSizes.MemoryFor(cpu.Value).Contains(memory.Value))
            {
                var suggestion = FargateSizes.SmallestCpuFor(memory.Value) is { } fit ? $", or raise {EcsProperties.Cpu} to {fit}" : string.Empty;
                diagnostics.Error(DiagnosticCodes.FargateMemoryInvalid, memorySubject,
                    $"{memorySubject}={memory} does not fit a Fargate task with {cpu} CPU units; with that CPU use {FargateSizes.DescribeMemory(cpu.Value)} MiB{suggestion}.");
            }

            if (FargateSizes.NeedsPlatform140(cpu.Value) && service.PlatformVersion is { } version && version != "LATEST" && CompareVersion(version, "1.4.0") < 0)
            {
                var subject = DefinitionSubjects.Service(settings, EcsProperties.PlatformVersion, settings.PlatformVersion, "platformVersion");
                diagnostics.Error(DiagnosticCodes.FargatePlatformVersionTooOld, subject, $"{cpuSubject}={cpu} ({cpu / 1024} vCPU) needs Fargate platform version 1.4.0 or later, but {subject}={version}.");
            }

            if (NetworkMode != "awsvpc")
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.NetworkMode, settings.NetworkMode, "networkMode");
                diagnostics.Error(DiagnosticCodes.FargateRequiresAwsvpc, subject, $"Fargate tasks use the awsvpc network mode, but {subject}={NetworkMode}.");
            }

            if (task.EphemeralStorage?.SizeInGiB is { } storage && (storage < 21 || storage > 200))
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.EphemeralStorageGiB, settings.EphemeralStorageGiB, "ephemeralStorage.sizeInGiB");
                diagnostics.Error(DiagnosticCodes.EphemeralStorageOutOfRange, subject, $"{subject}={storage}: Fargate ephemeral storage is 21–200 GiB.");
            }
        }

        private void ValidateContainers()
        {
            var containers = task.ContainerDefinitions ?? [];
            if (containers.Count > MaxContainers)
            {
                var subject = $"containerDefinitions in {EcsProperties.TaskDefinitionTemplate}";
                diagnostics.Error(DiagnosticCodes.TooManyContainers, subject, $"{subject}: the task definition has {containers.Count} containers; ECS allows at most {MaxContainers}.");
            }

            if (!IsFargateTask() && task.EphemeralStorage is not null)
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.EphemeralStorageGiB, settings.EphemeralStorageGiB, "ephemeralStorage");
                diagnostics.Error(DiagnosticCodes.EphemeralStorageOutOfRange, subject, $"{subject} applies to Fargate tasks only.");
            }

            if (containers.Count > 0 && !containers.Exists(c => c.Essential != false))
            {
                var subject = $"containerDefinitions[].essential in {EcsProperties.TaskDefinitionTemplate}";
                diagnostics.Error(DiagnosticCodes.NoEssentialContainer, subject, $"{subject}: at least one container must be essential.");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var taskMemory = int.TryParse(task.Memory, NumberStyles.None, CultureInfo.InvariantCulture, out var tm) ? tm : (int?)null;
            var taskCpu = int.TryParse(task.Cpu, NumberStyles.None, CultureInfo.InvariantCulture, out var tc) ? tc : (int?)null;
            var main = TaskDefinitionBuilder.MainContainerName(settings, task);
            var reservationSum = 0;
            var cpuSum = 0;
            foreach (var container in containers)
            {
                var isMain = container.Name == main;
                if (!EcsNames.IsValid(container.Name) || !names.Add(container.Name))
                {
                    var subject = isMain ? DefinitionSubjects.Task(settings, EcsProperties.ContainerName, settings.ContainerName, "containerDefinitions[].name") : "containerDefinitions[].name in " + EcsProperties.TaskDefinitionTemplate;
                    diagnostics.Error(DiagnosticCodes.InvalidContainerName, subject, $"{subject}='{container.Name}' is not a valid, unique container name: use 1–255 letters, digits, '-' and '_'.");
                }

                ValidateContainerResources(container, isMain, taskMemory, taskCpu);
                reservationSum += container.MemoryReservation ?? container.Memory ?? 0;
                cpuSum += container.Cpu ?? 0;
                ValidatePorts(container, isMain);
                ValidateEnvironment(container, isMain);
                ValidateSecrets(container, isMain);
                ValidateHealthCheck(container, isMain);
                ValidateLogging(container, isMain);

                if (container.StopTimeout is { } stop && (stop < 2 || stop > 120))
                {
                    var subject = DefinitionSubjects.Container(settings, isMain, EcsProperties.StopTimeout, settings.StopTimeout, "stopTimeout");
                    diagnostics.Error(DiagnosticCodes.StopTimeoutOutOfRange, subject, $"{subject}={stop} s: the stop timeout is 2–120 seconds.");
                }

                if (string.IsNullOrEmpty(container.Image))
                {
                    diagnostics.Error(DiagnosticCodes.ImageReferenceMissing, isMain ? EcsProperties.Image : $"containerDefinitions[{container.Name}].image in {EcsProperties.TaskDefinitionTemplate}",
                        isMain ? $"No image for container '{container.Name}': set ContainerRepository (the image PublishContainer builds) or {EcsProperties.Image}." : $"Container '{container.Name}' in {EcsProperties.TaskDefinitionTemplate} has no image.");
                }
            }

            if (taskMemory is { } memory && reservationSum > memory)
            {
                diagnostics.Error(DiagnosticCodes.ContainerMemoryReservationInvalid, EcsProperties.ContainerMemoryReservation,
                    $"The containers reserve {reservationSum} MiB together, more than the task's {memory} MiB: lower {EcsProperties.ContainerMemoryReservation} (or the sidecars' memoryReservation) or raise {EcsProperties.Memory}.");
            }

            if (taskCpu is { } cpu && cpuSum > cpu)
            {
                diagnostics.Error(DiagnosticCodes.ContainerCpuExceedsTask, EcsProperties.ContainerCpu, $"The containers reserve {cpuSum} CPU units together, more than the task's {cpu}: lower {EcsProperties.ContainerCpu} (or the sidecars' cpu) or raise {EcsProperties.Cpu}.");
            }
        }

        private void ValidateContainerResources(ContainerDefinition container, bool isMain, int? taskMemory, int? taskCpu)
        {
            var memorySubject = DefinitionSubjects.Container(settings, isMain, EcsProperties.ContainerMemory, settings.ContainerMemory, "memory");
            var reservationSubject = DefinitionSubjects.Container(settings, isMain, EcsProperties.ContainerMemoryReservation, settings.ContainerMemoryReservation, "memoryReservation");
            if (container.Memory is { } hard && taskMemory is { } limit && hard > limit)
            {
                diagnostics.Error(DiagnosticCodes.ContainerMemoryExceedsTask, memorySubject, $"{memorySubject}={hard} MiB is more than the task's {limit} MiB ({EcsProperties.Memory}).");
            }

            if (container.MemoryReservation is { } soft && container.Memory is { } hardLimit && soft > hardLimit)
            {
                diagnostics.Error(DiagnosticCodes.ContainerMemoryReservationInvalid, reservationSubject, $"{reservationSubject}={soft} MiB is more than the container's hard limit {hardLimit} MiB ({memorySubject}).");
            }

            if (taskMemory is null && container.Memory is null && container.MemoryReservation is null)
            {
                diagnostics.Error(DiagnosticCodes.ContainerMemoryRequired, memorySubject,
                    $"Container '{container.Name}' needs {EcsProperties.ContainerMemory} or {EcsProperties.ContainerMemoryReservation} because the task has no memory ({EcsProperties.Memory}).");
            }

            if (container.Cpu is { } cpu && taskCpu is { } taskLimit && cpu > taskLimit)
            {
                var subject = DefinitionSubjects.Container(settings, isMain, EcsProperties.ContainerCpu, settings.ContainerCpu, "cpu");
                diagnostics.Error(DiagnosticCodes.ContainerCpuExceedsTask, subject, $"{subject}={cpu} is more than the task's {taskLimit} CPU units ({EcsProperties.Cpu}).");
            }
        }

        private void ValidatePorts(ContainerDefinition container, bool isMain)
        {
            var seen = new HashSet<(int, string)>();
            foreach (var mapping in container.PortMappings ?? [])
            {
                var subject = isMain && taskTemplate is false ? "ContainerPort" : $"containerDefinitions[{container.Name}].portMappings";
                var protocol = mapping.Protocol?.Value ?? "tcp";
                if (mapping.ContainerPort is not { } port || port is < 1 or > 65535)
                {
                    if (mapping.ContainerPortRange is null)
                    {
                        diagnostics.Error(DiagnosticCodes.PortMappingInvalid, subject, $"{subject}: containerPort {mapping.ContainerPort} is not between 1 and 65535.");
                    }

                    continue;
                }

                if (!seen.Add((port, protocol)))
                {
                    diagnostics.Error(DiagnosticCodes.PortMappingInvalid, subject, $"{subject}: port {port}/{protocol} is mapped twice.");
                }

                if (NetworkMode is "awsvpc" or "host" && mapping.HostPort is { } host && host != 0 && host != port)
                {
                    diagnostics.Error(DiagnosticCodes.PortMappingInvalid, subject, $"{subject}: with the {NetworkMode} network mode the host port ({host}) must equal the container port ({port}).");
                }
            }
        }

        private void ValidateEnvironment(ContainerDefinition container, bool isMain)
        {
            foreach (var variable in container.Environment ?? [])
            {
                if (variable.Name is null || !EnvironmentVariableName().IsMatch(variable.Name))
                {
                    var subject = isMain && settings.EnvironmentVariables.Any(e => e.Name == variable.Name)
                        ? $"{EcsProperties.EnvironmentVariableItem} '{variable.Name}'"
                        : $"containerDefinitions[{container.Name}].environment in {EcsProperties.TaskDefinitionTemplate}";
                    diagnostics.Error(DiagnosticCodes.EnvironmentVariableInvalid, subject, $"{subject}: '{variable.Name}' is not a valid environment variable name (letters, digits and '_', not starting with a digit).");
                }
            }
        }

        private void ValidateSecrets(ContainerDefinition container, bool isMain)
        {
            foreach (var secret in container.Secrets ?? [])
            {
                var subject = isMain && settings.Secrets.Any(s => s.Name == secret.Name)
                    ? $"{EcsProperties.SecretItem} '{secret.Name}'"
                    : $"containerDefinitions[{container.Name}].secrets in {EcsProperties.TaskDefinitionTemplate}";
                if (secret.Name is null || !EnvironmentVariableName().IsMatch(secret.Name))
                {
                    diagnostics.Error(DiagnosticCodes.EnvironmentVariableInvalid, subject, $"{subject}: '{secret.Name}' is not a valid environment variable name.");
                }

                var from = secret.ValueFrom ?? string.Empty;
                var valid = from.StartsWith("arn:", StringComparison.Ordinal)
                    ? SecretsManagerArn().IsMatch(from) || SsmParameterArn().IsMatch(from)
                    : SsmParameterName().IsMatch(from);
                if (!valid)
                {
                    diagnostics.Error(DiagnosticCodes.SecretInvalid, subject,
                        $"{subject}: ValueFrom='{from}' is neither a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>]) nor an SSM parameter ARN or name.");
                }
            }
        }

        private void ValidateHealthCheck(ContainerDefinition container, bool isMain)
        {
            if (container.HealthCheck is not { } check)
            {
                return;
            }

            string Subject(string property, string member) => isMain ? property : $"containerDefinitions[{container.Name}].healthCheck.{member} in {EcsProperties.TaskDefinitionTemplate}";
            if (check.Command is not { Count: > 0 } command || command[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
            {
                diagnostics.Error(DiagnosticCodes.HealthCheckInvalid, Subject(EcsProperties.HealthCheckCommand, "command"),
                    $"{Subject(EcsProperties.HealthCheckCommand, "command")} must start with CMD or CMD-SHELL, e.g. 'CMD-SHELL;curl -f http://localhost:8080/health || exit 1'.");
            }

            CheckRange(check.Interval, 5, 300, Subject(EcsProperties.HealthCheckInterval, "interval"));
            CheckRange(check.Timeout, 2, 120, Subject(EcsProperties.HealthCheckTimeout, "timeout"));
            CheckRange(check.Retries, 1, 10, Subject(EcsProperties.HealthCheckRetries, "retries"));
            CheckRange(check.StartPeriod, 0, 300, Subject(EcsProperties.HealthCheckStartPeriod, "startPeriod"));
            if (check.Timeout is { } timeout && (check.Interval ?? 30) <= timeout)
            {
                diagnostics.Error(DiagnosticCodes.HealthCheckInvalid, Subject(EcsProperties.HealthCheckTimeout, "timeout"),
                    $"{Subject(EcsProperties.HealthCheckTimeout, "timeout")}={timeout} must be shorter than the interval ({check.Interval ?? 30} s).");
            }
        }

        private void CheckRange(int? value, int min, int max, string subject)
        {
            if (value is { } v && (v < min || v > max))
            {
                diagnostics.Error(DiagnosticCodes.HealthCheckInvalid, subject, $"{subject}={v} is outside {min}–{max}.");
            }
        }

        private void ValidateLogging(ContainerDefinition container, bool isMain)
        {
            if (container.LogConfiguration is not { } log || log.LogDriver?.Value != "awslogs")
            {
                return;
            }

            var options = log.Options ?? [];
            var subject = isMain ? EcsProperties.LogGroup : $"containerDefinitions[{container.Name}].logConfiguration in {EcsProperties.TaskDefinitionTemplate}";
            if (!options.TryGetValue("awslogs-group", out var group) || group.Length is 0 or > 512)
            {
                diagnostics.Error(DiagnosticCodes.LogConfigurationInvalid, subject, $"{subject}: the awslogs driver needs an awslogs-group of 1–512 characters.");
            }
            else if (!LogGroupNames.IsValid(group))
            {
                // CloudWatch Logs would refuse it at CreateLogGroup, after the push and the registration.
                diagnostics.Error(DiagnosticCodes.LogGroupNameInvalid, subject, $"{subject}='{group}' is not a log group name CloudWatch Logs accepts: use 1–512 of a-z, A-Z, 0-9, '_', '-', '/', '.' and '#' (e.g. /ecs/orders).");
            }

            if (IsFargateTask() && !options.ContainsKey("awslogs-stream-prefix"))
            {
                diagnostics.Error(DiagnosticCodes.LogConfigurationInvalid, subject, $"{subject}: on Fargate the awslogs driver needs awslogs-stream-prefix.");
            }
        }

        private void ValidateRuntimePlatform()
        {
            var platform = task.RuntimePlatform;
            if (platform?.CpuArchitecture?.Value == "ARM64" && platform.OperatingSystemFamily?.Value is { } os && os.StartsWith("WINDOWS", StringComparison.Ordinal))
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.RuntimePlatform, settings.CpuArchitecture, "runtimePlatform.cpuArchitecture");
                diagnostics.Error(DiagnosticCodes.RuntimePlatformInvalid, subject, $"{subject}=ARM64 is not available with {os}; Windows containers run on X86_64.");
            }

            if (platform is not null && target.IsExternal && platform.OperatingSystemFamily?.Value is { } family && family != "LINUX")
            {
                var subject = DefinitionSubjects.Task(settings, EcsProperties.OperatingSystemFamily, settings.OperatingSystemFamily, "runtimePlatform.operatingSystemFamily");
                diagnostics.Error(DiagnosticCodes.RuntimePlatformInvalid, subject, $"{subject}={family}: EXTERNAL instances run Linux tasks only.");
            }
        }

        private void ValidateRoles()
        {
            ValidateRole(task.ExecutionRoleArn, DefinitionSubjects.Task(settings, EcsProperties.ExecutionRoleArn, settings.ExecutionRoleArn, "executionRoleArn"));
            ValidateRole(task.TaskRoleArn, DefinitionSubjects.Task(settings, EcsProperties.TaskRoleArn, settings.TaskRoleArn, "taskRoleArn"));
            if (task.ExecutionRoleArn is not null)
            {
                return;
            }

            if (ExecutionRoleNeed.Of(task, target) is { } need && !ExecutionRoleNeed.ResolvedAtDeploy(settings, task, target))
            {
                diagnostics.Error(DiagnosticCodes.ExecutionRoleRequired, EcsProperties.ExecutionRoleArn, need.DefaultRoleSuffices
                    ? $"{EcsProperties.ExecutionRoleArn} is required because {need.Reason}: set it to a role with the AmazonECSTaskExecutionRolePolicy (e.g. arn:aws:iam::<account>:role/ecsTaskExecutionRole)."
                    : $"{EcsProperties.ExecutionRoleArn} is required because {need.Reason}: set it to a role with the AmazonECSTaskExecutionRolePolicy that may also read them (secretsmanager:GetSecretValue, ssm:GetParameters).");
            }
        }

        private void ValidateRole(string? arn, string subject)
        {
            if (arn is not null && !RoleArn().IsMatch(arn))
            {
                diagnostics.Error(DiagnosticCodes.RoleArnInvalid, subject, $"{subject}='{arn}' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>).");
            }
        }

        private void ValidateTags() => TagRules.Validate(task.Tags, "task definition", diagnostics);

        private bool IsFargateTask() => target.IsFargate || (task.RequiresCompatibilities?.Contains("FARGATE") ?? false);

        private int? ParseSize(string? text, string subject, string unit)
        {
            if (text is null)
            {
                return null;
            }

            // ECS also accepts "1 vCPU" / "2 GB"; normalise those so the Fargate table can be checked.
            var trimmed = text.Trim();
            if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
            {
                return units;
            }

            var match = Regex.Match(trimmed, @"^(\d+(\.\d+)?)\s*(vcpu|gb)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (match.Success)
            {
                var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                return (int)Math.Round(number * 1024);
            }

            diagnostics.Error(DiagnosticCodes.TaskSizeInvalid, subject, $"{subject}='{text}' is not a number of {unit}.");
            return null;
        }

        private static int CompareVersion(string left, string right) =>
            Version.TryParse(left, out var l) && Version.TryParse(right, out var r) ? l.CompareTo(r) : 0;
    }
}
