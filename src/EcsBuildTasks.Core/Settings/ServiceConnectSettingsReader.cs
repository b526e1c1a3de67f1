using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the Service Connect properties and <c>EcsServiceConnectService</c> items: names, ports, client aliases, app
/// protocols, the proxy's log group and the test traffic header.
/// </summary>
internal static partial class ServiceConnectSettingsReader
{
    private static readonly string[] AppProtocols = ["http", "http2", "grpc"];

    public static ServiceConnectSettings? Read(SettingsValues values)
    {
        var ns = values.Get(EcsProperties.ServiceConnectNamespace);
        var items = values.Items(EcsProperties.ServiceConnectServiceItem);
        var logGroup = values.Get(EcsProperties.ServiceConnectLogGroup);
        var header = values.Get(EcsProperties.ServiceConnectTestTrafficHeader);
        if (ns is null)
        {
            var orphan = items.Count > 0 ? $"{EcsProperties.ServiceConnectServiceItem} '{items[0].Include}'"
                : logGroup is not null ? EcsProperties.ServiceConnectLogGroup
                : header is not null ? EcsProperties.ServiceConnectTestTrafficHeader : null;
            if (orphan is not null)
            {
                values.Error(DiagnosticCodes.ServiceConnectNamespaceMissing, orphan, $"{orphan} configures Service Connect, which needs {EcsProperties.ServiceConnectNamespace} (the Cloud Map namespace's name or ARN).");
            }

            return null;
        }

        var valid = true;
        if (!(ns.StartsWith("arn:", StringComparison.Ordinal) ? NamespaceArn().IsMatch(ns) : ServiceDiscoverySettingsReader.NamespaceName().IsMatch(ns[..Math.Min(ns.Length, 1024)])))
        {
            valid = values.Error(DiagnosticCodes.ServiceDiscoveryNameInvalid, EcsProperties.ServiceConnectNamespace, $"{EcsProperties.ServiceConnectNamespace}='{ns}' is neither a Cloud Map namespace name nor a namespace ARN.");
        }

        var services = new List<ServiceConnectServiceSetting>();
        var discoveryNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var subject = $"{EcsProperties.ServiceConnectServiceItem} '{item.Include}'";
            if (!PortName().IsMatch(item.Include))
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject}: '{item.Include}' is not a valid port name (1–64 lowercase letters, digits, '_' and '-', not starting with '-').");
                continue;
            }

            if (services.Exists(s => s.PortName == item.Include))
            {
                valid = values.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                continue;
            }

            var discoveryName = item.Get("DiscoveryName");
            if (discoveryName is not null && !PortName().IsMatch(discoveryName))
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject} has DiscoveryName='{discoveryName}', which is not valid (1–64 lowercase letters, digits, '_' and '-', not starting with '-').");
            }
            else if (!discoveryNames.Add(discoveryName ?? item.Include))
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectNameInvalid, subject, $"{subject}: the discovery name '{discoveryName ?? item.Include}' is used twice; each endpoint needs its own.");
            }

            var port = values.MetadataInt(item, subject, "ContainerPort", 1, 65535, DiagnosticCodes.ServiceConnectPortInvalid, ref valid);
            var aliases = ReadClientAlias(values, item, subject, ref valid);
            var protocol = item.Get("AppProtocol");
            var canonical = protocol is null ? null : Array.Find(AppProtocols, p => string.Equals(p, protocol, StringComparison.OrdinalIgnoreCase));
            if (protocol is not null && canonical is null)
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectAppProtocolInvalid, subject, $"{subject} has AppProtocol='{protocol}'; use http, http2 or grpc.");
            }

            services.Add(new ServiceConnectServiceSetting(item.Include, port, discoveryName, aliases, canonical));
        }

        if (logGroup is not null && !LogGroupName().IsMatch(logGroup))
        {
            valid = values.Error(DiagnosticCodes.ServiceConnectLogGroupInvalid, EcsProperties.ServiceConnectLogGroup, $"{EcsProperties.ServiceConnectLogGroup}='{logGroup}' is not a CloudWatch Logs group name (1–512 letters, digits and . - _ / #).");
        }

        (string, string)? testHeader = null;
        if (header is not null)
        {
            var equals = header.IndexOf('=', StringComparison.Ordinal);
            var headerName = equals > 0 ? header[..equals].Trim() : string.Empty;
            var headerValue = equals > 0 ? header[(equals + 1)..].Trim() : string.Empty;
            if (!HeaderName().IsMatch(headerName) || headerValue.Length == 0)
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
                    $"{EcsProperties.ServiceConnectTestTrafficHeader}='{header}' must be name=value with an HTTP header name and a value (e.g. x-canary=true).");
            }
            else if (!services.Exists(s => s.ClientAliases.Count > 0))
            {
                valid = values.Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
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
    private static List<ServiceConnectClientAliasSetting> ReadClientAlias(SettingsValues values, ItemInput item, string subject, ref bool valid)
    {
        var text = item.Get("ClientAlias");
        if (text is null)
        {
            return [];
        }

        var entries = SettingsValues.SplitList(text);
        if (entries.Count != 1)
        {
            valid = values.Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject, $"{subject} has ClientAlias='{text}': ECS takes exactly one client alias per Service Connect endpoint (port or dnsName:port).");
            return [];
        }

        var entry = entries[0];
        var colon = entry.LastIndexOf(':');
        var dnsName = colon >= 0 ? entry[..colon] : null;
        var portText = colon >= 0 ? entry[(colon + 1)..] : entry;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            valid = values.Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject, $"{subject} has ClientAlias='{entry}', whose port is not between 1 and 65535 (use port or dnsName:port).");
            return [];
        }

        if (dnsName is not null && !AliasDnsName().IsMatch(dnsName))
        {
            valid = values.Error(DiagnosticCodes.ServiceConnectClientAliasInvalid, subject,
                $"{subject} has ClientAlias='{entry}', whose DNS name is not valid: at most 127 lowercase letters, digits, '_', '-' and '.', not starting with '-'.");
            return [];
        }

        return [new ServiceConnectClientAliasSetting(port, dnsName)];
    }

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
}
