using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the service discovery, Service Connect, auto scaling and one-off task properties and items. Checks that need
/// only these values (formats, ranges, combinations of properties) are made here; checks against the generated task
/// and service definitions (ports, network mode, strategy) are made by <c>PlatformValidator</c>.
/// </summary>
internal static partial class PlatformSettingsReader
{
    private static readonly string[] RecordTypes = ["A", "SRV"];
    private static readonly string[] RoutingPolicies = ["MULTIVALUE", "WEIGHTED"];
    private static readonly string[] AppProtocols = ["http", "http2", "grpc"];

    public static PlatformSettings Read(SettingsReader.Reader reader, SettingsInput input, DiagnosticCollection diagnostics)
    {
        var context = new Context(reader, input, diagnostics);
        return new PlatformSettings
        {
            ServiceDiscovery = context.ReadServiceDiscovery(),
            ServiceConnect = context.ReadServiceConnect(),
            AutoScaling = context.ReadAutoScaling(),
            PreDeployTasks = context.ReadPreDeployTasks(),
            RunTask = context.ReadRunTask(),
        };
    }

    /// <summary>Parses <c>NAME=value;NAME2=value2</c> (a value may contain '='; none may contain ';').</summary>
    public static List<EnvironmentSetting>? ParseEnvironment(string? text, out string? problem)
    {
        problem = null;
        var result = new List<EnvironmentSetting>();
        foreach (var pair in SettingsReader.SplitList(text))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? pair[..equals].Trim() : null;
            if (name is null || !EnvironmentName().IsMatch(name))
            {
                problem = $"'{pair}' is not NAME=value with a valid variable name (letters, digits and '_', not starting with a digit)";
                return null;
            }

            if (result.Exists(e => e.Name == name))
            {
                problem = $"{name} is set twice";
                return null;
            }

            result.Add(new EnvironmentSetting(name, pair[(equals + 1)..]));
        }

        return result;
    }

    /// <summary>Cloud Map's service name: DNS labels, 127 characters at most.</summary>
    [GeneratedRegex(@"^(?=.{1,127}$)([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$")]
    private static partial Regex CloudMapServiceName();

    /// <summary>Cloud Map's namespace names: printable ASCII without spaces, not an ARN (253 characters for private DNS).</summary>
    [GeneratedRegex("^(?!arn:)[!-~]{1,253}$")]
    private static partial Regex NamespaceName();

    [GeneratedRegex("^ns-[a-z0-9]{1,64}$")]
    private static partial Regex NamespaceId();

    [GeneratedRegex(@"^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:service/srv-[a-z0-9]{1,64}$")]
    private static partial Regex RegistryArn();

    [GeneratedRegex(@"^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:namespace/ns-[a-z0-9]{1,64}$")]
    private static partial Regex NamespaceArn();

    /// <summary>ECS's port mapping names and Service Connect discovery names.</summary>
    [GeneratedRegex("^[a-z0-9_][a-z0-9_-]{0,63}$")]
    private static partial Regex PortName();

    /// <summary>Service Connect client alias DNS names: lowercase letters, digits, '_', '-', '.', not starting with '-', 127 at most.</summary>
    [GeneratedRegex("^[a-z0-9_.][a-z0-9_.-]{0,126}$")]
    private static partial Regex AliasDnsName();

    /// <summary>An HTTP header field name (RFC 9110 token).</summary>
    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$")]
    private static partial Regex HeaderName();

    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]{1,512}$")]
    private static partial Regex LogGroupName();

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    private static partial Regex TargetGroupArn();

    /// <summary>Application Auto Scaling's schedule expressions.</summary>
    [GeneratedRegex(@"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$")]
    private static partial Regex Schedule();

    /// <summary>IANA time zone names (Europe/Berlin, America/Argentina/Buenos_Aires, UTC, Etc/GMT+5).</summary>
    [GeneratedRegex(@"^([A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}|UTC)$")]
    private static partial Regex TimeZoneName();

    /// <summary>Scheduled action names: no ':', '/' or '|', no control characters, no leading or trailing space.</summary>
    [GeneratedRegex(@"^(?! )[^\u0000-\u001f\u007f-\u009f:/|]{1,256}(?<! )$")]
    private static partial Regex ScheduledActionName();

    [GeneratedRegex(@"^\P{C}{1,256}$")]
    private static partial Regex PolicyName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex EnvironmentName();

    private sealed class Context(SettingsReader.Reader reader, SettingsInput input, DiagnosticCollection diagnostics)
    {
        public ServiceDiscoverySettings? ReadServiceDiscovery()
        {
            var ns = input.Get(EcsProperties.ServiceDiscoveryNamespace);
            var registry = input.Get(EcsProperties.ServiceRegistryArn);
            var create = reader.Bool(EcsProperties.CreateServiceDiscoveryNamespace) ?? false;
            var name = input.Get(EcsProperties.ServiceDiscoveryName);
            var recordType = reader.Choice(EcsProperties.ServiceDiscoveryDnsRecordType, RecordTypes);
            var ttl = reader.Int(EcsProperties.ServiceDiscoveryDnsTtl, 0, int.MaxValue);
            var routing = reader.Choice(EcsProperties.ServiceDiscoveryRoutingPolicy, RoutingPolicies);
            var threshold = reader.Int(EcsProperties.ServiceDiscoveryFailureThreshold, 1, 10);
            var port = reader.Int(EcsProperties.ServiceDiscoveryContainerPort, 1, 65535);

            // Settings of a Cloud Map service the build creates: meaningless with an existing registry, and without a namespace.
            var serviceSettings = new (string Property, bool IsSet)[]
            {
                (EcsProperties.ServiceDiscoveryName, name is not null),
                (EcsProperties.ServiceDiscoveryDnsRecordType, input.Get(EcsProperties.ServiceDiscoveryDnsRecordType) is not null),
                (EcsProperties.ServiceDiscoveryDnsTtl, input.Get(EcsProperties.ServiceDiscoveryDnsTtl) is not null),
                (EcsProperties.ServiceDiscoveryRoutingPolicy, input.Get(EcsProperties.ServiceDiscoveryRoutingPolicy) is not null),
                (EcsProperties.ServiceDiscoveryFailureThreshold, input.Get(EcsProperties.ServiceDiscoveryFailureThreshold) is not null),
            }.Where(s => s.IsSet).Select(s => s.Property).ToList();

            if (ns is null && registry is null)
            {
                var orphans = serviceSettings.Concat(create ? [EcsProperties.CreateServiceDiscoveryNamespace] : []).Concat(port is not null ? [EcsProperties.ServiceDiscoveryContainerPort] : []).ToList();
                if (orphans.Count > 0)
                {
                    Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, orphans[0], $"{string.Join(", ", orphans)} configure service discovery, but neither {EcsProperties.ServiceDiscoveryNamespace} nor {EcsProperties.ServiceRegistryArn} is set: set one of them or remove these properties.");
                }

                return null;
            }

            var valid = true;
            if (ns is not null && registry is not null)
            {
                valid = Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn} names an existing Cloud Map service and {EcsProperties.ServiceDiscoveryNamespace} asks for one in a namespace: set only one of them.");
            }

            if (registry is not null && serviceSettings.Count > 0)
            {
                valid = Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, serviceSettings[0], $"{string.Join(", ", serviceSettings)} describe a Cloud Map service the build creates, but {EcsProperties.ServiceRegistryArn} names an existing one (its records stay as they are): remove them or use {EcsProperties.ServiceDiscoveryNamespace}.");
            }

            if (create && (ns is null || ns.StartsWith("ns-", StringComparison.Ordinal)))
            {
                valid = Error(DiagnosticCodes.ServiceDiscoverySettingsConflict, EcsProperties.CreateServiceDiscoveryNamespace,
                    $"{EcsProperties.CreateServiceDiscoveryNamespace}=true creates a namespace by name: set {EcsProperties.ServiceDiscoveryNamespace} to the namespace's name (an ns- id names a namespace that exists already).");
            }

            if (registry is not null && !RegistryArn().IsMatch(registry))
            {
                valid = Error(DiagnosticCodes.ServiceRegistryArnInvalid, EcsProperties.ServiceRegistryArn, $"{EcsProperties.ServiceRegistryArn}='{registry}' is not a Cloud Map service ARN (arn:aws:servicediscovery:<region>:<account>:service/srv-<id>).");
            }

            if (ns is not null && !(ns.StartsWith("ns-", StringComparison.Ordinal) ? NamespaceId().IsMatch(ns) : NamespaceName().IsMatch(ns)))
            {
                valid = Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceDiscoveryNamespace,
                    $"{EcsProperties.ServiceDiscoveryNamespace}='{ns}' is neither a namespace id (ns-…) nor a namespace name (1–253 printable characters without spaces, not an ARN).");
            }

            if (name is not null && !CloudMapServiceName().IsMatch(name))
            {
                valid = Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceDiscoveryName,
                    $"{EcsProperties.ServiceDiscoveryName}='{name}' is not a valid Cloud Map service name: DNS labels of letters, digits, '-' and '_' (63 characters each, not starting or ending with '-'), 127 characters in all.");
            }

            return valid
                ? new ServiceDiscoverySettings
                {
                    Namespace = ns,
                    CreateNamespace = create,
                    RegistryArn = registry,
                    Name = name,
                    RecordType = recordType switch { "A" => DnsRecordKind.A, "SRV" => DnsRecordKind.Srv, _ => null },
                    Ttl = ttl ?? 60,
                    RoutingPolicy = routing ?? "MULTIVALUE",
                    FailureThreshold = threshold ?? 1,
                    ContainerPort = port,
                }
                : null;
        }

        public ServiceConnectSettings? ReadServiceConnect()
        {
            var ns = input.Get(EcsProperties.ServiceConnectNamespace);
            var items = input.GetItems(EcsProperties.ServiceConnectServiceItem);
            var logGroup = input.Get(EcsProperties.ServiceConnectLogGroup);
            var header = input.Get(EcsProperties.ServiceConnectTestTrafficHeader);
            if (ns is null)
            {
                var orphan = items.Count > 0 ? $"{EcsProperties.ServiceConnectServiceItem} '{items[0].Include}'"
                    : logGroup is not null ? EcsProperties.ServiceConnectLogGroup
                    : header is not null ? EcsProperties.ServiceConnectTestTrafficHeader : null;
                if (orphan is not null)
                {
                    Error(DiagnosticCodes.ServiceConnectNamespaceMissing, orphan, $"{orphan} configures Service Connect, which needs {EcsProperties.ServiceConnectNamespace} (the Cloud Map namespace's name or ARN).");
                }

                return null;
            }

            var valid = true;
            if (!(ns.StartsWith("arn:", StringComparison.Ordinal) ? NamespaceArn().IsMatch(ns) : NamespaceName().IsMatch(ns[..Math.Min(ns.Length, 1024)])))
            {
                valid = Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceConnectNamespace, $"{EcsProperties.ServiceConnectNamespace}='{ns}' is neither a Cloud Map namespace name nor a namespace ARN.");
            }

            var services = new List<ServiceConnectServiceSetting>();
            var discoveryNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var subject = $"{EcsProperties.ServiceConnectServiceItem} '{item.Include}'";
                if (!PortName().IsMatch(item.Include))
                {
                    valid = Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject}: '{item.Include}' is not a valid port name (1–64 lowercase letters, digits, '_' and '-', not starting with '-').");
                    continue;
                }

                if (services.Exists(s => s.PortName == item.Include))
                {
                    valid = Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                    continue;
                }

                var discoveryName = item.Get("DiscoveryName");
                if (discoveryName is not null && !PortName().IsMatch(discoveryName))
                {
                    valid = Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject} has DiscoveryName='{discoveryName}', which is not valid (1–64 lowercase letters, digits, '_' and '-', not starting with '-').");
                }
                else if (!discoveryNames.Add(discoveryName ?? item.Include))
                {
                    valid = Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject}: the discovery name '{discoveryName ?? item.Include}' is used twice; each endpoint needs its own.");
                }

                var port = MetadataInt(item, subject, "ContainerPort", 1, 65535, DiagnosticCodes.ServiceConnectPortInvalid, ref valid);
                var aliases = ReadClientAlias(item, subject, ref valid);
                var protocol = item.Get("AppProtocol");
                var canonical = protocol is null ? null : Array.Find(AppProtocols, p => string.Equals(p, protocol, StringComparison.OrdinalIgnoreCase));
                if (protocol is not null && canonical is null)
                {
                    valid = Error(DiagnosticCodes.ServiceConnectAppProtocolInvalid, subject, $"{subject} has AppProtocol='{protocol}'; use http, http2 or grpc.");
                }

                services.Add(new ServiceConnectServiceSetting(item.Include, port, discoveryName, aliases, canonical));
            }

            if (logGroup is not null && !LogGroupName().IsMatch(logGroup))
            {
                valid = Error(DiagnosticCodes.ServiceConnectLogGroupInvalid, EcsProperties.ServiceConnectLogGroup, $"{EcsProperties.ServiceConnectLogGroup}='{logGroup}' is not a CloudWatch Logs group name (1–512 letters, digits and . - _ / #).");
            }

            (string, string)? testHeader = null;
            if (header is not null)
            {
                var equals = header.IndexOf('=', StringComparison.Ordinal);
                var headerName = equals > 0 ? header[..equals].Trim() : string.Empty;
                var headerValue = equals > 0 ? header[(equals + 1)..].Trim() : string.Empty;
                if (!HeaderName().IsMatch(headerName) || headerValue.Length == 0)
                {
                    valid = Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
                        $"{EcsProperties.ServiceConnectTestTrafficHeader}='{header}' must be name=value with an HTTP header name and a value (e.g. x-canary=true).");
                }
                else if (!services.Exists(s => s.ClientAliases.Count > 0))
                {
                    valid = Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
                        $"{EcsProperties.ServiceConnectTestTrafficHeader} routes test traffic through a client alias: give an {EcsProperties.ServiceConnectServiceItem} a ClientAlias.");
                }
                else
                {
                    testHeader = (headerName, headerValue);
                }
            }

            return valid ? new ServiceConnectSettings { Namespace = ns, Services = services, LogGroup = logGroup, TestTrafficHeader = testHeader } : null;
        }

        /// <summary>ECS takes one client alias per Service Connect service: <c>port</c> or <c>dnsName:port</c>.</summary>
        private List<ServiceConnectClientAliasSetting> ReadClientAlias(ItemInput item, string subject, ref bool valid)
        {
            var text = item.Get("ClientAlias");
            if (text is null)
            {
                return [];
            }

            var entries = SettingsReader.SplitList(text);
            if (entries.Count != 1)
            {
                valid = Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject, $"{subject} has ClientAlias='{text}': ECS takes exactly one client alias per Service Connect endpoint (port or dnsName:port).");
                return [];
            }

            var entry = entries[0];
            var colon = entry.LastIndexOf(':');
            var dnsName = colon >= 0 ? entry[..colon] : null;
            var portText = colon >= 0 ? entry[(colon + 1)..] : entry;
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                valid = Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject, $"{subject} has ClientAlias='{entry}', whose port is not between 1 and 65535 (use port or dnsName:port).");
                return [];
            }

            if (dnsName is not null && !AliasDnsName().IsMatch(dnsName))
            {
                valid = Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject,
                    $"{subject} has ClientAlias='{entry}', whose DNS name is not valid: at most 127 lowercase letters, digits, '_', '-' and '.', not starting with '-'.");
                return [];
            }

            return [new ServiceConnectClientAliasSetting(port, dnsName)];
        }

        public AutoScalingSettings? ReadAutoScaling()
        {
            var min = reader.Int(EcsProperties.AutoScalingMinCapacity, int.MinValue, int.MaxValue);
            var max = reader.Int(EcsProperties.AutoScalingMaxCapacity, int.MinValue, int.MaxValue);
            var prune = reader.Bool(EcsProperties.PruneScalingPolicies);
            var policyItems = input.GetItems(EcsProperties.ScalingPolicyItem);
            var actionItems = input.GetItems(EcsProperties.ScheduledScalingItem);
            var minSet = input.Get(EcsProperties.AutoScalingMinCapacity) is not null;
            var maxSet = input.Get(EcsProperties.AutoScalingMaxCapacity) is not null;
            if (!minSet && !maxSet && policyItems.Count == 0 && actionItems.Count == 0 && prune is null)
            {
                return null;
            }

            var valid = true;
            if (minSet != maxSet || (!minSet && (policyItems.Count > 0 || actionItems.Count > 0 || prune == true)))
            {
                var subject = minSet ? EcsProperties.AutoScalingMaxCapacity : EcsProperties.AutoScalingMinCapacity;
                valid = Error(DiagnosticCodes.AutoScalingCapacityInvalid, subject,
                    $"Auto scaling needs both {EcsProperties.AutoScalingMinCapacity} and {EcsProperties.AutoScalingMaxCapacity} (the scalable target's capacity); {subject} is not set.");
            }
            else if (min is { } low && max is { } high && (low < 0 || high < low))
            {
                valid = Error(DiagnosticCodes.AutoScalingCapacityInvalid, low < 0 ? EcsProperties.AutoScalingMinCapacity : EcsProperties.AutoScalingMaxCapacity,
                    $"{EcsProperties.AutoScalingMinCapacity}={low} and {EcsProperties.AutoScalingMaxCapacity}={high}: the minimum must be 0 or more and the maximum at least the minimum.");
            }

            var policies = new List<ScalingPolicySetting>();
            foreach (var item in policyItems)
            {
                if (ReadPolicy(item, policies) is { } policy)
                {
                    policies.Add(policy);
                }
                else
                {
                    valid = false;
                }
            }

            var actions = new List<ScheduledScalingSetting>();
            foreach (var item in actionItems)
            {
                if (ReadScheduledAction(item, actions) is { } action)
                {
                    actions.Add(action);
                }
                else
                {
                    valid = false;
                }
            }

            return valid ? new AutoScalingSettings { MinCapacity = min, MaxCapacity = max, Policies = policies, ScheduledActions = actions, Prune = prune ?? false } : null;
        }

        private ScalingPolicySetting? ReadPolicy(ItemInput item, List<ScalingPolicySetting> existing)
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{item.Include}'";
            var valid = true;
            if (!PolicyName().IsMatch(item.Include))
            {
                valid = Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject}: the policy name must be 1–256 printable characters.");
            }

            if (existing.Exists(p => p.Name == item.Include))
            {
                Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                return null;
            }

            var metricText = item.Get("Metric");
            ScalingMetric? metric = metricText?.ToUpperInvariant() switch
            {
                "CPU" or "ECSSERVICEAVERAGECPUUTILIZATION" => ScalingMetric.Cpu,
                "MEMORY" or "ECSSERVICEAVERAGEMEMORYUTILIZATION" => ScalingMetric.Memory,
                "REQUESTCOUNT" or "ALBREQUESTCOUNTPERTARGET" => ScalingMetric.RequestCount,
                _ => null,
            };
            if (metric is null)
            {
                valid = Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject} has Metric='{metricText}'; use CPU, Memory or RequestCount (ALB requests per target).");
            }

            var targetText = item.Get("TargetValue");
            double target = 0;
            var percent = metric is ScalingMetric.Cpu or ScalingMetric.Memory;
            if (targetText is null || !double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out target) || !double.IsFinite(target) || target <= 0 || (percent && target > 100))
            {
                valid = Error(DiagnosticCodes.ScalingPolicyInvalid, subject,
                    $"{subject} has TargetValue='{targetText}'; it needs a number above 0{(percent ? " and at most 100 (percent utilization)" : " (requests per target)")}.");
            }

            var scaleIn = MetadataInt(item, subject, "ScaleInCooldown", 0, 86_400, DiagnosticCodes.ScalingPolicyInvalid, ref valid);
            var scaleOut = MetadataInt(item, subject, "ScaleOutCooldown", 0, 86_400, DiagnosticCodes.ScalingPolicyInvalid, ref valid);
            bool? disableScaleIn = null;
            if (item.Get("DisableScaleIn") is { } disableText)
            {
                if (bool.TryParse(disableText, out var disable))
                {
                    disableScaleIn = disable;
                }
                else
                {
                    valid = Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject} has DisableScaleIn='{disableText}'; use true or false.");
                }
            }

            var targetGroup = item.Get("TargetGroupArn");
            if (targetGroup is not null && !TargetGroupArn().IsMatch(targetGroup))
            {
                valid = Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject, $"{subject} has TargetGroupArn='{targetGroup}', which is not a target group ARN.");
            }

            return valid ? new ScalingPolicySetting(item.Include, metric!.Value, target, scaleIn, scaleOut, disableScaleIn, targetGroup) : null;
        }

        private ScheduledScalingSetting? ReadScheduledAction(ItemInput item, List<ScheduledScalingSetting> existing)
        {
            var subject = $"{EcsProperties.ScheduledScalingItem} '{item.Include}'";
            var valid = true;
            if (!ScheduledActionName().IsMatch(item.Include))
            {
                valid = Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject}: the name must be 1–256 characters without ':', '/', '|' or surrounding spaces.");
            }

            if (existing.Exists(a => a.Name == item.Include))
            {
                Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                return null;
            }

            var schedule = item.Get("Schedule");
            if (schedule is null || !Schedule().IsMatch(schedule))
            {
                valid = Error(DiagnosticCodes.ScheduledScalingInvalid, subject,
                    $"{subject} has Schedule='{schedule}'; use cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss).");
            }

            var timezone = item.Get("Timezone");
            if (timezone is not null && !TimeZoneName().IsMatch(timezone))
            {
                valid = Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} has Timezone='{timezone}', which is not an IANA time zone name (e.g. Europe/Berlin or UTC).");
            }

            var min = MetadataInt(item, subject, "MinCapacity", 0, int.MaxValue, DiagnosticCodes.ScheduledScalingInvalid, ref valid);
            var max = MetadataInt(item, subject, "MaxCapacity", 0, int.MaxValue, DiagnosticCodes.ScheduledScalingInvalid, ref valid);
            if (valid && min is null && max is null)
            {
                valid = Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} needs MinCapacity, MaxCapacity or both: what the schedule sets.");
            }
            else if (min is { } low && max is { } high && high < low)
            {
                valid = Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} has MinCapacity={low} above MaxCapacity={high}.");
            }

            return valid ? new ScheduledScalingSetting(item.Include, schedule!, timezone, min, max) : null;
        }

        public List<OneOffTaskSetting> ReadPreDeployTasks()
        {
            var result = new List<OneOffTaskSetting>();
            foreach (var item in input.GetItems(EcsProperties.PreDeployTaskItem))
            {
                var subject = $"{EcsProperties.PreDeployTaskItem} '{item.Include}'";
                if (result.Exists(t => t.Name == item.Include))
                {
                    Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                    continue;
                }

                var valid = true;
                var environment = ParseEnvironment(item.Get("Environment"), out var problem);
                if (environment is null)
                {
                    valid = Error(DiagnosticCodes.OneOffTaskInvalid, subject, $"{subject} has Environment='{item.Get("Environment")}': {problem}. Use NAME=value pairs separated by ';'.");
                }

                var timeout = MetadataInt(item, subject, "TimeoutMinutes", 1, 7 * 24 * 60, DiagnosticCodes.OneOffTaskInvalid, ref valid);
                if (valid)
                {
                    result.Add(new OneOffTaskSetting(subject, item.Get("Container"), SettingsReader.SplitList(item.Get("Command")), environment!, timeout) { Name = item.Include });
                }
            }

            return result;
        }

        public OneOffTaskSetting ReadRunTask()
        {
            var environment = ParseEnvironment(input.Get(EcsProperties.RunTaskEnvironment), out var problem);
            if (environment is null)
            {
                Error(DiagnosticCodes.OneOffTaskInvalid, EcsProperties.RunTaskEnvironment, $"{EcsProperties.RunTaskEnvironment}='{input.Get(EcsProperties.RunTaskEnvironment)}': {problem}. Use NAME=value pairs separated by ';'.");
            }

            return new OneOffTaskSetting(EcsProperties.RunTaskCommand, input.Get(EcsProperties.RunTaskContainer), SettingsReader.SplitList(input.Get(EcsProperties.RunTaskCommand)), environment ?? [], null) { Name = "EcsRunTask" };
        }

        private int? MetadataInt(ItemInput item, string subject, string metadata, int min, int max, DiagnosticDescriptor code, ref bool valid)
        {
            var text = item.Get(metadata);
            if (text is null)
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                valid = Error(code, subject, $"{subject} has {metadata}='{text}', which is not a whole number between {min} and {max}.");
                return null;
            }

            return value;
        }

        /// <summary>Reports an error and returns false, so callers can write <c>valid = Error(...)</c>.</summary>
        private bool Error(DiagnosticDescriptor descriptor, string subject, string message)
        {
            diagnostics.Error(descriptor, subject, message);
            return false;
        }
    }
}
