using System.Globalization;
using System.Text.Json;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the image configuration the .NET SDK reports in <c>GeneratedContainerConfiguration</c> (the OCI/Docker image
/// config JSON). Ports the base image implies (from <c>ASPNETCORE_HTTP_PORTS</c>) appear only here, not in
/// <c>@(ContainerPort)</c>.
/// </summary>
internal static class ImageConfiguration
{
    /// <summary>The exposed ports, in port order: <c>{"config":{"ExposedPorts":{"8080/tcp":{}}}}</c>.</summary>
    public static IReadOnlyList<PortSetting> ExposedPorts(string configurationJson)
    {
        using var document = JsonDocument.Parse(configurationJson);
        var root = document.RootElement;
        var config = root.TryGetProperty("config", out var nested) ? nested : root;
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("ExposedPorts", out var exposed) || exposed.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var ports = new List<PortSetting>();
        foreach (var property in exposed.EnumerateObject())
        {
            var parts = property.Name.Split('/', 2);
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                ports.Add(new PortSetting(port, parts.Length == 2 ? parts[1].ToLowerInvariant() : "tcp"));
            }
        }

        return ports.OrderBy(p => p.Port).ThenBy(p => p.Protocol, StringComparer.Ordinal).ToArray();
    }
}
