using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

internal enum ServiceChangeKind
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>What happened to the service, and when (so the waiter knows which deployment is ours).</summary>
internal sealed record ServiceChange(ServiceChangeKind Kind, EcsService Service, DateTime RequestedAt, IReadOnlyList<string> ChangedMembers);

/// <summary>
/// Creates the service, or updates it with only what the project sets: a member the project leaves unset is never sent,
/// so values ECS defaulted or someone else set (the desired count auto scaling chose, a load balancer added in the
/// console) survive. When nothing differs no UpdateService is sent at all.
/// </summary>
internal sealed class ServiceUpdate(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>UpdateService members the comparison covers (the desired count only when the project sets it).</summary>
    private static readonly string[] UpdatableMembers =
    [
        "taskDefinition", "capacityProviderStrategy", "deploymentConfiguration", "availabilityZoneRebalancing", "networkConfiguration",
        "placementConstraints", "placementStrategy", "platformVersion", "healthCheckGracePeriodSeconds", "enableExecuteCommand",
        "enableECSManagedTags", "loadBalancers", "propagateTags", "serviceRegistries", "serviceConnectConfiguration", "volumeConfigurations",
        "vpcLatticeConfigurations",
    ];

    /// <summary>The members an update compares (<see cref="DeployedInputs"/> seals the service by them).</summary>
    public static IReadOnlyList<string> ComparedMembers => UpdatableMembers;

    /// <summary>Lists whose order carries no meaning: compared as sets.</summary>
    private static readonly HashSet<string> UnorderedLists = new(StringComparer.Ordinal) { "subnets", "securityGroups", "alarmNames" };

    public async Task<ServiceChange> ApplyAsync(CreateServiceRequest desired, string taskDefinitionArn, EcsService? existing, EcsSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(settings);
        desired.TaskDefinition = taskDefinitionArn;
        var requestedAt = time.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            var created = await SendAsync("ECS CreateService", () => aws.Ecs.CreateServiceAsync(desired, cancellationToken)).ConfigureAwait(false);
            var service = created.Service ?? throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName, "ECS CreateService returned no service.");
            log.Info($"EcsBuildTasks: created service {service.ServiceName} in cluster {desired.Cluster} ({(service.SchedulingStrategy?.Value == "DAEMON" ? "one task per container instance" : $"desired count {service.DesiredCount}")})");
            return new ServiceChange(ServiceChangeKind.Created, service, requestedAt, ["service"]);
        }

        await SyncTagsAsync(existing, desired.Tags, cancellationToken).ConfigureAwait(false);
        var update = BuildUpdate(desired, existing, settings, out var changed);
        if (update is null && settings.Release.ForceNewDeployment)
        {
            log.Info($"EcsBuildTasks: nothing changed, but {EcsProperties.ForceNewDeployment}=true: starting a new deployment of {Arns.Short(existing.TaskDefinition)} (new tasks pull the image and read the secrets again)");
            (update, changed) = (ForcedUpdate(desired), [$"new deployment of the same revision ({EcsProperties.ForceNewDeployment})"]);
        }
        else if (update is null && NotLive(existing, taskDefinitionArn) is { } why)
        {
            // "Up to date" means the live service runs exactly this revision; a service set to it that does not run it
            // (its deployment failed, or someone else's is going on) gets a deployment of its own.
            log.Info($"EcsBuildTasks: service {existing.ServiceName} is set to {Arns.Short(taskDefinitionArn)} but does not run it ({why}): deploying it again");
            (update, changed) = (ForcedUpdate(desired), [$"new deployment of {Arns.Short(taskDefinitionArn)}, which the service did not run"]);
        }
        else if (update is null)
        {
            log.Info($"EcsBuildTasks: service {existing.ServiceName} is up to date: it runs {Arns.Short(existing.TaskDefinition)} with this configuration; nothing to deploy");
            return new ServiceChange(ServiceChangeKind.Unchanged, existing, requestedAt, []);
        }
        else if (settings.Release.ForceNewDeployment)
        {
            update.ForceNewDeployment = true;
        }

        var updated = await SendAsync("ECS UpdateService", () => aws.Ecs.UpdateServiceAsync(update, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: updated service {existing.ServiceName}: {string.Join(", ", changed)}");
        return new ServiceChange(ServiceChangeKind.Updated, updated.Service ?? existing, requestedAt, changed);
    }

    /// <summary>
    /// Why the service, although set to <paramref name="taskDefinitionArn"/>, does not run exactly it; null when it does:
    /// one deployment, of that revision, completed.
    /// </summary>
    public static string? NotLive(EcsService existing, string taskDefinitionArn)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var deployments = existing.Deployments ?? [];
        var primary = deployments.Find(d => d.Status == "PRIMARY");
        if (primary is null)
        {
            return null;
        }

        if (primary.TaskDefinition != taskDefinitionArn)
        {
            return $"its primary deployment is of {Arns.Short(primary.TaskDefinition)}";
        }

        if (primary.RolloutState?.Value is { } rollout && rollout != "COMPLETED")
        {
            return $"its deployment {primary.Id} is {rollout}{(primary.RolloutStateReason is { Length: > 0 } reason ? $": {reason}" : string.Empty)}";
        }

        return deployments.Count > 1 ? $"{deployments.Count - 1} other deployment(s) still run tasks" : null;
    }

    private static UpdateServiceRequest ForcedUpdate(CreateServiceRequest desired) =>
        new() { Cluster = desired.Cluster, Service = desired.ServiceName, ForceNewDeployment = true };

    /// <summary>Whether ECS can update the existing service into the desired one (preflight: what it cannot change in place).</summary>
    public static void CheckCanUpdate(EcsService existing, GeneratedDefinitions definitions, DiagnosticCollection problems)
    {
        var desired = definitions.Service;
        if (ExpressServiceGuard.Check(existing, definitions) is { } express)
        {
            problems.Add(express);
            return;
        }

        if (existing.Status == "DRAINING")
        {
            problems.Error(DiagnosticCodes.ServiceCannotChange, EcsProperties.ServiceName,
                $"{EcsProperties.ServiceName}={existing.ServiceName}: the service is being deleted (DRAINING). Wait until it is INACTIVE, then deploy again to create it anew.");
            return;
        }

        if (existing.SchedulingStrategy?.Value is { } current && current != desired.SchedulingStrategy?.Value)
        {
            problems.Error(DiagnosticCodes.ServiceCannotChange, EcsProperties.SchedulingStrategy,
                $"{EcsProperties.SchedulingStrategy}={desired.SchedulingStrategy?.Value}, but the service {existing.ServiceName} is {current}; ECS cannot change the scheduling strategy of a service. Delete the service or deploy under another {EcsProperties.ServiceName}.");
        }

        if (existing.DeploymentController?.Type?.Value is { } controller && controller != "ECS")
        {
            problems.Error(DiagnosticCodes.ServiceCannotChange, EcsProperties.ServiceName,
                $"The service {existing.ServiceName} uses the {controller} deployment controller; EcsBuildTasks deploys through the ECS controller. Recreate the service or deploy under another {EcsProperties.ServiceName}.");
        }

        var desiredLaunchType = desired.LaunchType?.Value;
        if (existing.LaunchType?.Value is { } launchType && desiredLaunchType is not null && launchType != desiredLaunchType)
        {
            problems.Error(DiagnosticCodes.ServiceCannotChange, EcsProperties.LaunchType,
                $"{EcsProperties.LaunchType}={desiredLaunchType}, but the service {existing.ServiceName} runs on {launchType}; ECS cannot change a service's launch type in place. Use a capacity provider strategy ({EcsProperties.CapacityProviderItem}) or a new {EcsProperties.ServiceName}.");
        }
    }

    /// <summary>
    /// ECS keeps lifecycle hooks an UpdateService does not mention: when the project no longer asks for any (back to
    /// Rolling, or hooks and gates removed) but the service has some, send an empty list so they go.
    /// </summary>
    public static void ClearStaleHooks(CreateServiceRequest desired, EcsService? existing)
    {
        ArgumentNullException.ThrowIfNull(desired);
        if (existing?.DeploymentConfiguration?.LifecycleHooks is { Count: > 0 } && desired.DeploymentConfiguration is { LifecycleHooks: null } configuration)
        {
            configuration.LifecycleHooks = [];
        }
    }

    /// <summary>The UpdateService request for the members that differ, or null when none does.</summary>
    public static UpdateServiceRequest? BuildUpdate(CreateServiceRequest desired, EcsService existing, EcsSettings settings, out IReadOnlyList<string> changed)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(settings);
        var want = JsonNode.Parse(EcsJson.Serialize(desired))!.AsObject();
        var have = LiveJson(existing);
        var update = new JsonObject { ["cluster"] = desired.Cluster, ["service"] = desired.ServiceName };
        var differences = new List<string>();
        foreach (var member in UpdatableMembers)
        {
            if (want[member] is not { } wanted)
            {
                continue;
            }

            if (!Covers(have[member], wanted, member))
            {
                differences.Add(member == "taskDefinition" ? $"task definition {Arns.Short(existing.TaskDefinition)} → {Arns.Short(desired.TaskDefinition)}" : member);
                update[member] = wanted.DeepClone();
            }
        }

        // On updates the desired count is only sent when the project sets it: auto scaling (or a person) owns it otherwise.
        if (settings.DesiredCount is { } count && existing.SchedulingStrategy?.Value != "DAEMON" && existing.DesiredCount != count)
        {
            differences.Add($"desired count {existing.DesiredCount} → {count}");
            update["desiredCount"] = count;
        }

        changed = differences;
        if (differences.Count == 0)
        {
            return null;
        }

        // A configuration change without a new task definition still has to roll the tasks (e.g. new subnets).
        update["forceNewDeployment"] = update["taskDefinition"] is null && differences.Exists(d => d is "networkConfiguration" or "platformVersion" or "loadBalancers" or "serviceRegistries");
        return EcsJson.Deserialize<UpdateServiceRequest>(update.ToJsonString());
    }

    /// <summary>
    /// The service as DescribeServices shows it, in the request's terms: its Service Connect configuration, and ECS's
    /// default for an awsvpc service's public IP (DISABLED) where the answer leaves it out, so that it is not mistaken for
    /// a difference.
    /// </summary>
    public static JsonObject LiveJson(EcsService existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var have = JsonNode.Parse(EcsJson.Serialize(existing))!.AsObject();
        have["serviceConnectConfiguration"] ??= ServiceConnectDefinitions.Current(existing);
        if (have["networkConfiguration"]?["awsvpcConfiguration"] is JsonObject awsvpc)
        {
            awsvpc["assignPublicIp"] ??= "DISABLED";
        }

        return have;
    }

    /// <summary>True when <paramref name="have"/> already has every value <paramref name="want"/> sets.</summary>
    private static bool Covers(JsonNode? have, JsonNode want, string member)
    {
        switch (want)
        {
            case JsonObject wantObject:
                if (have is not JsonObject haveObject)
                {
                    return false;
                }

                foreach (var (name, value) in wantObject)
                {
                    if (value is not null && !Covers(haveObject[name], value, name))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray wantArray:
                if (have is not JsonArray haveArray || haveArray.Count != wantArray.Count)
                {
                    return false;
                }

                if (UnorderedLists.Contains(member))
                {
                    return wantArray.Select(v => v?.ToJsonString()).Order(StringComparer.Ordinal).SequenceEqual(haveArray.Select(v => v?.ToJsonString()).Order(StringComparer.Ordinal));
                }

                for (var i = 0; i < wantArray.Count; i++)
                {
                    if (wantArray[i] is { } item && !Covers(haveArray[i], item, member))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return have is not null && JsonNode.DeepEquals(have, want);
        }
    }

    private async Task SyncTagsAsync(EcsService existing, List<Tag>? desired, CancellationToken cancellationToken)
    {
        var missing = (desired ?? []).Where(t => !(existing.Tags ?? []).Exists(e => e.Key == t.Key && e.Value == t.Value)).ToList();
        if (missing.Count == 0 || existing.ServiceArn is null)
        {
            return;
        }

        // UpdateService takes no tags; tags the project no longer names are left alone (someone else may own them).
        await AwsCalls.RunAsync("ECS TagResource", () => aws.Ecs.TagResourceAsync(new TagResourceRequest { ResourceArn = existing.ServiceArn, Tags = missing }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: tagged service {existing.ServiceName}: {string.Join(", ", missing.Select(t => $"{t.Key}={t.Value}"))}");
    }

    private static async Task<T> SendAsync<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await AwsCalls.RunAsync(action, call).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName,
                $"{action} was rejected: {service.ErrorCode}: {service.Message} (the request is in service-definition.json next to this build's plan; nothing was changed).", ex);
        }
    }
}
