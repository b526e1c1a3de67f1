using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.Versioned;
using ResourceRecordSet = EcsBuildTasks.Aws.Route53.Model.ResourceRecordSet;

namespace EcsBuildTasks.Core.Strategies.DnsBlueGreen;

/// <summary>
/// <c>EcsDeploymentStrategy=DnsBlueGreen</c>: Harness FirstGen's blue/green by Route 53 weighted DNS, for services no
/// load balancer fronts. The versions (<c>&lt;name&gt;__&lt;N&gt;</c>) take turns in two Cloud Map services; the record
/// <c>EcsDnsRecordName</c> is a CNAME with two weighted entries (set identifiers Blue and Green, one per Cloud Map
/// service). The new version registers in the Cloud Map service the serving one does not use, reaches its full count,
/// then each of <c>EcsDnsWeightSteps</c> moves weight to it (INSYNC and one TTL, then the gate); after the last step the
/// old version, at weight 0, is downsized. A failure puts the old version back at its count and weight 100.
/// </summary>
internal sealed partial class DnsBlueGreenStrategy(DnsBlueGreenSettings dns, bool downsizeOld, int keepVersions) : VersionedServicesStrategy(keepVersions)
{
    public const string StrategyName = "DnsBlueGreen";

    public override string Name => StrategyName;

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var values = choice.Values;
        var (downsizeOld, keepVersions) = VersionedSettings.Swap(values, StrategyName, (EcsProperties.DownsizeDelaySeconds, values.Get(EcsProperties.DownsizeDelaySeconds)));
        return new DnsBlueGreenStrategy(DnsBlueGreenSettings.Read(values), downsizeOld, keepVersions);
    }

    public override IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var (first, second) = dns.CloudMapServices(definitions.Service.ServiceName!);
        yield return $"DnsBlueGreen: a new service {definitions.Service.ServiceName}__<N> in the Cloud Map service ({first} or {second}) the serving version does not use, at full size";
        yield return string.Create(CultureInfo.InvariantCulture, $"  then {dns.RecordName} (CNAME, TTL {dns.Ttl} s, zone {dns.HostedZone}) moves to it by weights {string.Join(" → ", dns.Steps)}, each after INSYNC and one TTL{(definitions.Settings.TrafficShifting.Verification.Enabled ? ", gate after each" : string.Empty)}");
        yield return downsizeOld ? $"  the old version goes to 0 tasks at weight 0; {KeepVersions} old version(s) kept" : $"  the old version keeps running at weight 0; {KeepVersions} old version(s) kept";
    }

    protected override void ValidateStrategy(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        if (settings.ServiceDiscovery is not { Namespace: not null, RegistryArn: null })
        {
            diagnostics.Error(DiagnosticCodes.DnsNeedsCloudMapNamespace, EcsProperties.ServiceDiscoveryNamespace,
                $"{EcsProperties.DeploymentStrategy}={Name} registers the versions in two Cloud Map services of a DNS namespace and points {EcsProperties.DnsRecordName} at them: set {EcsProperties.ServiceDiscoveryNamespace} (a private or public DNS namespace, by name or ns- id){(settings.ServiceDiscovery?.RegistryArn is null ? string.Empty : $" instead of {EcsProperties.ServiceRegistryArn}")}.");
        }

        RequireWait(settings, diagnostics, "moves DNS weights only after the new version is healthy");
    }

    protected override async Task PreflightStrategyAsync(ServicePreflightContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(set);
        var problems = await CheckZoneAsync(context.Aws, context.Log, TimeProvider.System, context.Definitions, cancellationToken).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            context.Problems.Add(problem);
        }

        if (problems.Count == 0 && dns.HostedZone is not null && dns.RecordName is not null && context.Definitions.Settings.ServiceDiscovery is { Namespace: not null, RegistryArn: null })
        {
            try
            {
                // Entries taken over (Harness's) must send their traffic to versions this project deploys.
                await SlotsAsync(new DeploymentContext(context.Aws, context.Log, TimeProvider.System, context.Definitions), set, create: false, cancellationToken).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (ex.Diagnostics.Any(d => d.Descriptor == DiagnosticCodes.DnsEntryWithoutVersion))
            {
                foreach (var problem in ex.Diagnostics)
                {
                    context.Problems.Add(problem);
                }
            }
            catch (DeploymentException)
            {
                // The namespace's own check reports it.
            }
        }
    }

    protected override async Task PrepareRegistriesAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Checked again here, before the Cloud Map services are created: nothing changes for a zone or record the strategy cannot use.
        var problems = await CheckZoneAsync(context.Aws, context.Log, context.Time, context.Definitions, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new DeploymentException(problems);
        }

        // And entries taken over (Harness's) must send their traffic to versions of this service (ECS4225).
        await SlotsAsync(context, set, create: false, cancellationToken).ConfigureAwait(false);

        await new ServiceConnectRegistration(context.Aws, context.Log).PrepareAsync(context.Definitions, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<VersionedDeployment> CreateVersionAsync(DeploymentContext context, VersionSet set, RegisteredTaskDefinition registered, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var slots = await SlotsAsync(context, null, create: true, cancellationToken).ConfigureAwait(false);
        var current = set.Current;
        var oldIndex = current is null ? -1 : Array.FindIndex(slots.Arns, a => a is not null && RegistryOf(current) == a);
        var newIndex = oldIndex == 0 ? 1 : 0;
        var ids = slots.Entries.SetIdentifiers;
        if (slots.Entries.Adopted)
        {
            log.Info($"EcsBuildTasks: taking over the weighted entries of {DnsWeights.Fqdn(dns.RecordName!)} as they are: {ids[0]} → {slots.Names[0]}, {ids[1]} → {slots.Names[1]}; only their weights move");
        }

        var versions = new ServiceVersions(aws, log);
        var old = set.Serving.Select(v => new VersionCount(v.Name, v.DesiredCount)).ToList();
        var blue = set.Serving.Where(v => RegistryOf(v) == slots.Arns[1 - newIndex]).ToList();
        foreach (var version in set.Serving.Where(v => RegistryOf(v) == slots.Arns[newIndex]))
        {
            // A version left in the new version's Cloud Map service would answer for it.
            log.Info($"EcsBuildTasks: {version.Name} is registered in {slots.Names[newIndex]}, where the new version goes: downsizing it to 0 first");
            await versions.ResizeAsync(set.Cluster, version.Name, 0, cancellationToken).ConfigureAwait(false);
        }

        var (target, backups) = await SwapSizeAsync(context, set.Cluster, blue, cancellationToken).ConfigureAwait(false);

        var service = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(context.Definitions.Service));
        service.ServiceRegistries = slots.Registries[newIndex];
        var newVersion = await versions.CreateAsync(context.Definitions with { Service = service }, set.NextNumber, registered.Arn, null,
            [VersionTags.Of(VersionTags.State, VersionTags.Deploying), .. VersionTags.Colours(set, VersionTags.Green), VersionTags.Of(VersionTags.RollbackTo, VersionCount.Format(old))], cancellationToken).ConfigureAwait(false);
        long WeightOf(int index) => slots.Records.FirstOrDefault(r => r.SetIdentifier == ids[index])?.Weight ?? 0;
        var traffic = new DnsTraffic
        {
            ZoneId = slots.ZoneId,
            RecordName = DnsWeights.Fqdn(dns.RecordName!),
            Ttl = dns.Ttl,
            New = new DnsSlot(ids[newIndex], slots.Names[newIndex], slots.Targets[newIndex], WeightOf(newIndex), slots.Arns[newIndex]),
            Old = new DnsSlot(ids[1 - newIndex], slots.Names[1 - newIndex], slots.Targets[1 - newIndex], WeightOf(1 - newIndex)),
            Created = slots.Records.Count == 0,
            NewWeight = WeightOf(newIndex),
        };
        return new VersionedDeployment
        {
            Versions = set, Registered = registered, NewVersion = newVersion, OldCounts = old, ScalingBackups = backups, TargetCount = target, Dns = traffic,
            StartedAt = time.GetUtcNow(), Started = time.GetTimestamp(),
        };
    }

    protected override async Task<DeploymentOutcome> RunAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var cluster = deployment.Versions.Cluster;
        var green = deployment.NewVersion!;
        var traffic = deployment.Dns!;

        // Steady includes its tasks registered and healthy in the Cloud Map service: clients resolve to those instances.
        if (await ScaleUpUnexposedAsync(context, deployment, "scale up at weight 0", string.Create(CultureInfo.InvariantCulture, $"scaled: {green.Name}={deployment.TargetCount} in {traffic.New.CloudMapService}"), $"scaling up in {traffic.New.CloudMapService} (weight 0)", cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        // Nothing serves in the other Cloud Map service (a first deployment): the steps would send clients nowhere.
        var hasOld = deployment.OldCounts.Any(c => c.Count > 0);
        var weights = new DnsWeights(aws, log, time);
        foreach (var step in hasOld ? dns.Steps : [100])
        {
            var weightStep = string.Create(CultureInfo.InvariantCulture, $"weight {step}");
            deployment.BeginPhase(time, weightStep, step);
            log.Progress(new DeploymentProgress(green.Name, weightStep, deployment.StartedAt) { Running = deployment.TargetCount, Desired = deployment.TargetCount, TrafficPercent = step });
            await weights.SetAsync(traffic, step, cancellationToken).ConfigureAwait(false);
            deployment.History.Add(string.Create(CultureInfo.InvariantCulture, $"weights: {traffic.New.SetIdentifier} ({green.Name}) {step}, {traffic.Old.SetIdentifier} {100 - step}"));
            if (context.Settings.TrafficShifting.Verification is { Enabled: true } gate)
            {
                var stage = string.Create(CultureInfo.InvariantCulture, $"weight {step}");
                var result = await GateAsync(context, gate, stage, string.Create(CultureInfo.InvariantCulture, $"{green.Name} takes {step}% of {traffic.RecordName}"), cancellationToken).ConfigureAwait(false);
                deployment.Gates.Add(result);
                if (!result.Passed)
                {
                    return deployment.Fail($"the gate at {stage}", result.Summary, DeploymentOutcome.VerificationFailed);
                }
            }
        }

        await new VersionScaling(aws, log).RemoveBackedUpAsync(cluster, deployment.ScalingBackups, cancellationToken).ConfigureAwait(false);
        deployment.ScalingRemoved = deployment.ScalingBackups.Count > 0;

        // Downsized only at weight 0 (the last step is 100): a version some clients still reach is never downsized.
        return await RetireOldAsync(context, deployment, downsizeOld, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task UndoTrafficAsync(DeploymentContext context, VersionedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Dns is not { } traffic || !deployment.OldCounts.Any(c => c.Count > 0))
        {
            return;
        }

        // Clients go back only once the old version has its tasks again.
        await ResizeOldBackAsync(context, deployment, cancellationToken).ConfigureAwait(false);

        if (traffic.NewWeight > 0 || traffic.Old.Weight != 100)
        {
            await new DnsWeights(context.Aws, context.Log, context.Time).SetAsync(traffic, 0, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task<AppliedDeployment> RollbackLastAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var service = context.Definitions.Service;
        var versions = new ServiceVersions(aws, log);
        var set = await versions.FindAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        var slots = await SlotsAsync(context, null, create: false, cancellationToken).ConfigureAwait(false);
        var restore = Restore(context);
        DnsTraffic TrafficTo(ServiceVersion back)
        {
            var index = Array.FindIndex(slots.Arns, a => a is not null && a == RegistryOf(back));
            if (index < 0)
            {
                throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.DnsCloudMapServices, $"{back.Name} is registered in neither {slots.Names[0]} nor {slots.Names[1]}: {dns.RecordName} cannot point at it.");
            }

            return new DnsTraffic
            {
                ZoneId = slots.ZoneId, RecordName = DnsWeights.Fqdn(dns.RecordName!), Ttl = dns.Ttl,
                New = new DnsSlot(slots.Entries.SetIdentifiers[1 - index], slots.Names[1 - index], slots.Targets[1 - index], 0),
                Old = new DnsSlot(slots.Entries.SetIdentifiers[index], slots.Names[index], slots.Targets[index], 0),
            };
        }

        var weights = new DnsWeights(aws, log, time);
        if (set.Versions.LastOrDefault(v => v.IsDeploying) is { } deploying)
        {
            // A deployment that was killed mid-way: the versions it recorded get their counts and the weight back, it goes.
            var counts = deploying.RollbackTo.Where(c => set.Find(c.Name) is not null).ToList();
            var back = counts.LastOrDefault(c => c.Count > 0) is { } last ? set.Find(last.Name) : null;
            var restored = await restore.RestoreAsync(set.Cluster, counts, [], null, deleteNew: false, cancellationToken).ConfigureAwait(false);
            if (restored.Restored && back is not null)
            {
                await weights.SetAsync(TrafficTo(back), 0, cancellationToken).ConfigureAwait(false);
            }

            var result = restored.Restored ? await restore.RestoreAsync(set.Cluster, [], [], deploying.Name, deleteNew: true, cancellationToken).ConfigureAwait(false) : restored;
            return new VersionedRollback(deploying.Name, result with { Counts = restored.Counts }, result.Restored ? DeploymentOutcome.RolledBack : DeploymentOutcome.Failed);
        }

        var current = set.Current
            ?? throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName, $"No version of {service.ServiceName} has tasks: there is nothing to roll back.");
        var previous = set.Versions.LastOrDefault(v => v.Number < current.Number && v.Service.Status == "ACTIVE" && RegistryOf(v) is { } registry && registry != RegistryOf(current) && slots.Arns.Contains(registry))
            ?? throw new DeploymentException(DiagnosticCodes.NoPreviousVersion, EcsProperties.ServiceName,
                $"{current.Name} serves and no older version of {service.ServiceName} is kept in the other Cloud Map service: there is no previous version to move {dns.RecordName} back to. Publish the previous commit instead.");
        return await SwapBackAsync(context, set, current, previous, $"moving {dns.RecordName}", downsizeOld,
            token => weights.SetAsync(TrafficTo(previous), 0, token), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<string>> StatusDetailsAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(set);
        if (dns.RecordName is null || dns.HostedZone is null)
        {
            return [];
        }

        var weights = new DnsWeights(context.Aws, context.Log, context.Time);
        var (zone, problem) = await weights.FindZoneAsync(dns.HostedZone, cancellationToken).ConfigureAwait(false);
        if (zone is null)
        {
            return [$"  {dns.RecordName}: {problem}"];
        }

        var lines = new List<string> { $"  {DnsWeights.Fqdn(dns.RecordName)} in zone {zone.Name} ({DnsWeights.StripPrefix(zone.Id!)}):" };
        Slots slots;
        try
        {
            slots = await SlotsAsync(context, null, create: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex)
        {
            lines.AddRange(ex.Diagnostics.Select(d => $"    {d.Code}: {d.Message}"));
            return lines;
        }

        foreach (var record in slots.Records)
        {
            var index = slots.Entries.SetIdentifiers.ToList().IndexOf(record.SetIdentifier!);
            var serving = index < 0 ? null : set.Versions.Where(v => v.DesiredCount > 0 && RegistryOf(v) is { } r && r == slots.Arns[index]).Select(v => v.Name).ToList();
            lines.Add($"    {DnsWeights.Describe(record)}{(serving is null ? string.Empty : serving.Count == 0 ? "  (no version with tasks)" : $"  ({string.Join(", ", serving)})")}");
        }

        return lines;
    }

    private static string? RegistryOf(ServiceVersion version) => version.Service.ServiceRegistries?.FirstOrDefault()?.RegistryArn;

    /// <summary>The zone, record and namespace problems (ECS4220–ECS4223); empty when the record can be managed.</summary>
    private async Task<List<EcsDiagnostic>> CheckZoneAsync(AwsSession aws, IDeploymentLog log, TimeProvider time, GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        var settings = definitions.Settings;
        var problems = new List<EcsDiagnostic>();
        if (dns.HostedZone is null || dns.RecordName is null)
        {
            return problems;
        }

        var weights = new DnsWeights(aws, log, time);
        var (zone, problem) = await weights.FindZoneAsync(dns.HostedZone, cancellationToken).ConfigureAwait(false);
        if (zone is null)
        {
            problems.Add(Error(DiagnosticCodes.DnsHostedZoneNotFound, EcsProperties.DnsHostedZone, problem!));
            return problems;
        }

        var zoneName = DnsWeights.Fqdn(zone.Name!);
        var record = DnsWeights.Fqdn(dns.RecordName);
        var namespaceName = settings.ServiceDiscovery is { Namespace: { } ns, IsNamespaceId: false } ? DnsWeights.Fqdn(ns) : null;
        if (zone.LinkedService?.ServicePrincipal?.Contains("servicediscovery", StringComparison.Ordinal) == true || zoneName == namespaceName)
        {
            problems.Add(Error(DiagnosticCodes.DnsZoneManagedByCloudMap, EcsProperties.DnsHostedZone,
                $"{EcsProperties.DnsHostedZone}={dns.HostedZone} is the zone Cloud Map manages for the namespace {zone.Name}: Cloud Map owns its records. Put {EcsProperties.DnsRecordName} in a zone of its own (e.g. a private hosted zone api.internal. in the same VPC)."));
            return problems;
        }

        if (record == zoneName || !record.EndsWith("." + zoneName, StringComparison.Ordinal))
        {
            problems.Add(Error(DiagnosticCodes.DnsRecordOutsideZone, EcsProperties.DnsRecordName, record == zoneName
                ? $"{EcsProperties.DnsRecordName}={dns.RecordName} is the apex of the zone {zoneName}, which cannot hold a CNAME: use a name below it (e.g. api.{zoneName})."
                : $"{EcsProperties.DnsRecordName}={dns.RecordName} is not inside the hosted zone {zoneName} ({EcsProperties.DnsHostedZone}): use a name ending in .{zoneName.TrimEnd('.')} or the zone that holds it."));
            return problems;
        }

        var records = await weights.RecordsAsync(zone.Id!, record, cancellationToken).ConfigureAwait(false);
        if (DnsWeights.Foreign(records).Count > 0)
        {
            // Another tool's pair (Harness's) is taken over when it points at the two Cloud Map services of the namespace.
            var cloudMapNamespace = namespaceName;
            if (cloudMapNamespace is null && settings.ServiceDiscovery?.Namespace is { } id
                && await new CloudMapLookup(aws).FindNamespacesAsync(id, cancellationToken).ConfigureAwait(false) is { Count: 1 } found)
            {
                cloudMapNamespace = found[0].Name;
            }

            var (_, mismatch) = DnsWeights.Match(records, cloudMapNamespace ?? string.Empty, dns.CloudMapServices(definitions.Service.ServiceName!), dns.CloudMapServiceNames.Count == 2, record, zone.Id!);
            if (mismatch is not null && (cloudMapNamespace is not null || mismatch.Descriptor == DiagnosticCodes.DnsRecordNotWeighted))
            {
                problems.Add(mismatch);
            }
        }

        return problems;
    }

    /// <summary>
    /// The zone id, the record's entries, and for each of the two Cloud Map services: name, DNS target, ARN (created when
    /// <paramref name="create"/>), registry entry. With <paramref name="set"/>, entries taken over must send their
    /// traffic to its versions (ECS4225), checked before anything is created.
    /// </summary>
    private async Task<Slots> SlotsAsync(DeploymentContext context, VersionSet? set, bool create, CancellationToken cancellationToken)
    {
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var weights = new DnsWeights(aws, log, time);
        var (zone, problem) = await weights.FindZoneAsync(dns.HostedZone!, cancellationToken).ConfigureAwait(false);
        if (zone is null)
        {
            throw new DeploymentException(DiagnosticCodes.DnsHostedZoneNotFound, EcsProperties.DnsHostedZone, problem!);
        }

        var discovery = definitions.Settings.ServiceDiscovery!;
        var lookup = new CloudMapLookup(aws);
        var ns = await lookup.SingleNamespaceAsync(discovery.Namespace!, EcsProperties.ServiceDiscoveryNamespace, DiagnosticCodes.NamespaceNotFound, cancellationToken).ConfigureAwait(false);
        var records = await weights.RecordsAsync(zone.Id!, dns.RecordName!, cancellationToken).ConfigureAwait(false);
        var (entries, mismatch) = DnsWeights.Match(records, ns.Name!, dns.CloudMapServices(definitions.Service.ServiceName!), dns.CloudMapServiceNames.Count == 2, dns.RecordName!, zone.Id!);
        if (entries is null)
        {
            throw new DeploymentException([mismatch!]);
        }

        string[] names = [entries.First, entries.Second];
        var arns = new string?[2];
        var registries = new List<ServiceRegistry>?[2];
        if (entries.Adopted && set is not null)
        {
            for (var i = 0; i < 2; i++)
            {
                arns[i] = (await lookup.FindServiceAsync(ns.Id, names[i], cancellationToken).ConfigureAwait(false))?.Arn;
            }

            if (UnversionedTraffic(entries, records, names, arns, set) is { } unversioned)
            {
                throw new DeploymentException([unversioned]);
            }
        }

        for (var i = 0; i < 2; i++)
        {
            if (create)
            {
                var service = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
                await new CloudMapRegistration(aws, log, time).PrepareAsync(definitions with { Service = service, Settings = definitions.Settings with { ServiceDiscovery = discovery with { Name = names[i] } } }, cancellationToken).ConfigureAwait(false);
                registries[i] = service.ServiceRegistries;
                arns[i] = service.ServiceRegistries?.FirstOrDefault()?.RegistryArn;
            }
            else
            {
                arns[i] = (await lookup.FindServiceAsync(ns.Id, names[i], cancellationToken).ConfigureAwait(false))?.Arn;
            }
        }

        return new Slots(DnsWeights.StripPrefix(zone.Id!), names, [.. names.Select(n => DnsWeights.Fqdn(n + "." + ns.Name))], arns, registries, entries, records);
    }

    /// <summary>
    /// ECS4225: an entry taken over whose weight sends traffic to a Cloud Map service where no version of the project's
    /// service has tasks (the services registered there are named otherwise): the deployment would move that traffic
    /// away from a service it neither scales nor rolls back.
    /// </summary>
    private EcsDiagnostic? UnversionedTraffic(DnsEntries entries, IReadOnlyList<ResourceRecordSet> records, string[] names, string?[] arns, VersionSet set)
    {
        for (var i = 0; i < 2; i++)
        {
            var weight = records.FirstOrDefault(r => r.SetIdentifier == entries.SetIdentifiers[i])?.Weight ?? 0;
            var arn = arns[i];
            if (weight > 0 && !set.Serving.Any(v => arn is not null && RegistryOf(v) == arn))
            {
                return Error(DiagnosticCodes.DnsEntryWithoutVersion, EcsProperties.ServiceName, string.Create(CultureInfo.InvariantCulture,
                    $"{DnsWeights.Fqdn(dns.RecordName!)}'s entry {entries.SetIdentifiers[i]} (weight {weight}) sends traffic to the Cloud Map service {names[i]}, where no version of {set.BaseName} ({set.BaseName}__<N>) has tasks: DnsBlueGreen would move that traffic away from a service it neither scales nor rolls back. Set {EcsProperties.ServiceName} to the name the ECS services registered there share before __<N> (Harness names them <family>__<revision>; aws servicediscovery list-instances --service-id {(arn is null ? "<id>" : CloudMapLookup.ServiceId(arn))} shows their ECS_SERVICE_NAME)."));
            }
        }

        return null;
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);

    private sealed record Slots(string ZoneId, string[] Names, string[] Targets, string?[] Arns, List<ServiceRegistry>?[] Registries, DnsEntries Entries, IReadOnlyList<ResourceRecordSet> Records);
}

/// <summary>DnsBlueGreen's own settings, read (and checked: ECS4200–ECS4205) when the strategy is chosen.</summary>
internal sealed partial record DnsBlueGreenSettings(string? RecordName, string? HostedZone, long Ttl, IReadOnlyList<int> Steps, IReadOnlyList<string> CloudMapServiceNames)
{
    public const long DefaultTtl = 60;

    public (string First, string Second) CloudMapServices(string serviceName) =>
        CloudMapServiceNames.Count == 2 ? (CloudMapServiceNames[0], CloudMapServiceNames[1]) : (serviceName + "-blue", serviceName + "-green");

    public static DnsBlueGreenSettings Read(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var record = values.Get(EcsProperties.DnsRecordName);
        if (record is null || record.TrimEnd('.').Length > 253 || !DnsName().IsMatch(record.TrimEnd('.')))
        {
            values.Error(DiagnosticCodes.DnsRecordNameInvalid, EcsProperties.DnsRecordName, record is null
                ? $"{EcsProperties.DeploymentStrategy}={DnsBlueGreenStrategy.StrategyName} needs {EcsProperties.DnsRecordName}: the name clients call (e.g. orders.internal.example.com), which the strategy keeps as two weighted CNAME entries."
                : $"{EcsProperties.DnsRecordName}='{record}' is not a DNS name (labels of letters, digits and '-', separated by dots, at least two labels).");
            record = null;
        }

        var zone = values.Get(EcsProperties.DnsHostedZone);
        if (zone is null || (!DnsWeights.IsZoneId(zone) && !DnsName().IsMatch(zone.TrimEnd('.'))))
        {
            values.Error(DiagnosticCodes.DnsHostedZoneMissing, EcsProperties.DnsHostedZone, zone is null
                ? $"{EcsProperties.DeploymentStrategy}={DnsBlueGreenStrategy.StrategyName} needs {EcsProperties.DnsHostedZone}: the Route 53 hosted zone of {EcsProperties.DnsRecordName}, by id (Z…) or name."
                : $"{EcsProperties.DnsHostedZone}='{zone}' is neither a hosted zone id (Z followed by upper-case letters and digits, or /hostedzone/… as Route 53 returns it) nor a zone name.");
            zone = null;
        }

        var ttl = DefaultTtl;
        if (values.Get(EcsProperties.DnsTtl) is { } ttlText)
        {
            if (!long.TryParse(ttlText, NumberStyles.None, CultureInfo.InvariantCulture, out ttl) || ttl > 86400)
            {
                values.Error(DiagnosticCodes.DnsTtlInvalid, EcsProperties.DnsTtl, $"{EcsProperties.DnsTtl}='{ttlText}' is not a number of seconds from 0 to 86400 (each step waits one TTL for resolvers' caches).");
                ttl = DefaultTtl;
            }
        }

        var steps = new List<int>();
        var stepTexts = values.List(EcsProperties.DnsWeightSteps);
        foreach (var text in stepTexts)
        {
            if (!int.TryParse(text.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step is < 1 or > 100 || (steps.Count > 0 && step <= steps[^1]))
            {
                steps.Clear();
                break;
            }

            steps.Add(step);
        }

        if (stepTexts.Count > 0 && (steps.Count == 0 || steps[^1] != 100))
        {
            values.Error(DiagnosticCodes.DnsWeightStepsInvalid, EcsProperties.DnsWeightSteps,
                $"{EcsProperties.DnsWeightSteps}='{values.Get(EcsProperties.DnsWeightSteps)}': give the new version's weights in percent, rising, each from 1 to 100, the last 100 (e.g. 10;50;100).");
            steps = [100];
        }

        var services = values.List(EcsProperties.DnsCloudMapServices);
        if (services.Count > 0 && (services.Count != 2 || string.Equals(services[0], services[1], StringComparison.OrdinalIgnoreCase) || !services.All(s => DnsLabel().IsMatch(s))))
        {
            values.Error(DiagnosticCodes.DnsCloudMapServicesInvalid, EcsProperties.DnsCloudMapServices,
                $"{EcsProperties.DnsCloudMapServices}='{values.Get(EcsProperties.DnsCloudMapServices)}': name two different Cloud Map services (DNS labels), e.g. orders-blue;orders-green.");
            services = [];
        }

        return new DnsBlueGreenSettings(record, zone, ttl, steps.Count == 0 ? [100] : steps, services);
    }

    [GeneratedRegex("^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsName();

    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
