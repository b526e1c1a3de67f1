using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>How a wait for a version ended: steady, or why not (the outcome says which limit was reached).</summary>
internal sealed record SteadyResult(bool Steady, DeploymentOutcome Outcome, string Detail, IReadOnlyList<ServiceEvent> Events)
{
    public static SteadyResult Ok(string detail) => new(true, DeploymentOutcome.Succeeded, detail, []);
}

/// <summary>
/// Waits until a version is steady at a desired count: running = desired with nothing pending, and, when it registers
/// with target groups, each of its running tasks healthy in each of them. Fails when its tasks keep failing (the
/// project's <c>EcsFailFastFailedTasks</c>, else ECS's circuit-breaker threshold: half the count, 3 to 200), when ECS
/// marks its deployment FAILED, or at <paramref name="timeout"/>. Steady means steady for <see cref="SettleTime"/>:
/// a task that crashes a second after it starts must fail the phase it started in, not the next one.
/// </summary>
internal sealed class VersionSteadyState(AwsSession aws, IDeploymentLog log, TimeProvider time, TimeSpan timeout, TimeSpan pollCap, int? failFastFailedTasks)
{
    /// <summary>How long a version must stay at its count, with no task failing, to count as steady.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    /// <param name="settle">False when the version only lost tasks (a downsize): nothing new can crash there.</param>
    public async Task<SteadyResult> WaitAsync(string cluster, string name, int count, CancellationToken cancellationToken, bool settle = true)
    {
        var started = time.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(100);
        var failureLimit = failFastFailedTasks ?? Math.Clamp((int)Math.Ceiling(count / 2.0), 3, 200);
        var baseline = -1;
        string? lastProgress = null;
        long? steadySince = null;
        var failedWhenSteady = 0;
        EcsService? service = null;
        while (true)
        {
            var described = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name] }, cancellationToken)).ConfigureAwait(false);
            service = described.Services?.FirstOrDefault() ?? service;
            if (service is null)
            {
                return new SteadyResult(false, DeploymentOutcome.Failed, $"the service {name} no longer exists", []);
            }

            var primary = service.Deployments?.Find(d => d.Status == "PRIMARY");
            var failed = primary?.FailedTasks ?? 0;
            baseline = baseline < 0 ? failed : baseline;
            if (primary?.RolloutState?.Value == "FAILED")
            {
                return Failure(DeploymentOutcome.Failed, $"ECS marked the deployment of {name} FAILED: {primary.RolloutStateReason}", service);
            }

            if (count > 0 && failed - baseline >= failureLimit)
            {
                return Failure(DeploymentOutcome.FailedFast, string.Create(CultureInfo.InvariantCulture, $"{failed - baseline} task(s) of {name} failed to start or stopped (limit {failureLimit})"), service);
            }

            var running = service.RunningCount ?? 0;
            var pending = service.PendingCount ?? 0;
            var progress = string.Create(CultureInfo.InvariantCulture, $"{name}: running {running}/{count}, pending {pending}");
            if (service.DesiredCount == count && running == count && pending == 0)
            {
                // Targets once healthy are not read again while the version settles: a task that fails shows in the counts.
                // Cloud Map health is read again at the end of the settle time: ECS reports a failing container health
                // check there (the instance turns UNHEALTHY) without stopping the task until its grace period ends.
                var settled = steadySince is not null && (!settle || time.GetElapsedTime(steadySince.Value) >= SettleTime);
                var unhealthy = count == 0 || (steadySince is not null && !settled) ? null
                    : (steadySince is null ? await UnhealthyTargetsAsync(cluster, service, count, cancellationToken).ConfigureAwait(false) : null)
                        ?? await UnhealthyInstancesAsync(cluster, service, count, cancellationToken).ConfigureAwait(false);
                if (unhealthy is null)
                {
                    if (steadySince is null || failed != failedWhenSteady)
                    {
                        (steadySince, failedWhenSteady) = (time.GetTimestamp(), failed);
                    }

                    if (count == 0 || !settle || time.GetElapsedTime(steadySince.Value) >= SettleTime)
                    {
                        return SteadyResult.Ok(progress);
                    }
                }
                else
                {
                    progress += ", " + unhealthy;
                    steadySince = null;
                }
            }
            else
            {
                steadySince = null;
            }

            if (progress != lastProgress)
            {
                log.Info("EcsBuildTasks:   " + progress);
                lastProgress = progress;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                return Failure(DeploymentOutcome.TimedOut, string.Create(CultureInfo.InvariantCulture, $"{name} was not steady within {timeout.TotalMinutes:0.#} minutes ({progress})"), service);
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, (steadySince is null ? pollCap : TimeSpan.FromSeconds(1)).Ticks));
        }
    }

    private static SteadyResult Failure(DeploymentOutcome outcome, string detail, EcsService service) => new(false, outcome, detail, service.Events ?? []);

    /// <summary>Null when every running task of the version is healthy in each of its target groups; otherwise what is not.</summary>
    private async Task<string?> UnhealthyTargetsAsync(string cluster, EcsService service, int count, CancellationToken cancellationToken)
    {
        var groups = (service.LoadBalancers ?? []).Select(l => l.TargetGroupArn).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return null;
        }

        var addresses = await TaskAddressesAsync(cluster, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        foreach (var group in groups)
        {
            var health = await AwsCalls.RunAsync("ELBv2 DescribeTargetHealth", () => aws.ElasticLoadBalancing.DescribeTargetHealthAsync(new DescribeTargetHealthRequest { TargetGroupArn = group }, cancellationToken)).ConfigureAwait(false);
            var targets = health.TargetHealthDescriptions ?? [];

            // Instance targets (bridge or host networking) carry no task address: count the healthy ones instead.
            var healthy = addresses.Count > 0
                ? targets.Count(t => t.Target?.Id is { } id && addresses.Contains(id) && t.TargetHealth?.State?.Value == "healthy")
                : Math.Min(count, targets.Count(t => t.TargetHealth?.State?.Value == "healthy"));
            if (healthy < count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"healthy in {Arns.Short(group)} {healthy}/{count}");
            }
        }

        return null;
    }

    /// <summary>
    /// Null when each of the version's running tasks is registered in each of its Cloud Map services and not UNHEALTHY
    /// there (clients that resolve the name reach only those); otherwise how many are.
    /// </summary>
    private async Task<string?> UnhealthyInstancesAsync(string cluster, EcsService service, int count, CancellationToken cancellationToken)
    {
        var registries = (service.ServiceRegistries ?? []).Select(r => r.RegistryArn).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (registries.Count == 0)
        {
            return null;
        }

        // ECS registers each task as an instance whose id is the task id.
        var tasks = await AwsCalls.RunAsync("ECS ListTasks", () => aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, ServiceName = service.ServiceName, DesiredStatus = "RUNNING" }, cancellationToken)).ConfigureAwait(false);
        var taskIds = (tasks.TaskArns ?? []).Select(a => a[(a.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);
        foreach (var registry in registries)
        {
            var serviceId = registry[(registry.LastIndexOf('/') + 1)..];
            var status = await AwsCalls.AllPagesAsync(
                "Cloud Map GetInstancesHealthStatus",
                token => aws.ServiceDiscovery.GetInstancesHealthStatusAsync(new GetInstancesHealthStatusRequest { ServiceId = serviceId, NextToken = token }, cancellationToken),
                page => page.Status?.ToList() ?? [],
                page => page.NextToken).ConfigureAwait(false);
            var healthy = Math.Min(count, status.Count(s => taskIds.Contains(s.Key) && s.Value != "UNHEALTHY"));
            if (healthy < count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"registered and healthy in Cloud Map service {serviceId} {healthy}/{count}");
            }
        }

        return null;
    }

    private async Task<HashSet<string>> TaskAddressesAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var listed = await AwsCalls.RunAsync("ECS ListTasks", () => aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, ServiceName = serviceName, DesiredStatus = "RUNNING" }, cancellationToken)).ConfigureAwait(false);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in (listed.TaskArns ?? []).Chunk(100))
        {
            var tasks = await AwsCalls.RunAsync("ECS DescribeTasks", () => aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = [.. batch] }, cancellationToken)).ConfigureAwait(false);
            foreach (var detail in (tasks.Tasks ?? []).SelectMany(t => t.Attachments ?? []).SelectMany(a => a.Details ?? []))
            {
                if (detail is { Name: "privateIPv4Address", Value: { } address })
                {
                    addresses.Add(address);
                }
            }
        }

        return addresses;
    }
}
