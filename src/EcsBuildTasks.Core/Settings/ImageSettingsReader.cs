using System.Globalization;
using System.Text.Json;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads what the container image is: the reference the task definition pins (<c>EcsImage</c>, the pushed digest, or
/// the tag a dry run shows), the ports it exposes (the SDK's image configuration, <c>ContainerPort</c> items, or the
/// ASP.NET Core default) and the CPU architecture its runtime identifier implies.
/// </summary>
internal static class ImageSettingsReader
{
    /// <summary>Where the ports come from when the SDK reported the image configuration (the plan shows it).</summary>
    public const string ImageConfigurationSource = "image configuration";

    public static (string? Image, bool External) ReadImage(SettingsValues values, bool dryRun, string? repository)
    {
        var explicitImage = values.Get(EcsProperties.Image);
        if (explicitImage is not null)
        {
            return (explicitImage, true);
        }

        var registry = values.Get(EcsProperties.SdkContainerRegistry)?.TrimEnd('/');
        var digest = values.Get(EcsProperties.SdkGeneratedContainerDigest);
        if (repository is null)
        {
            return (null, false);
        }

        var prefix = registry is null ? repository : $"{registry}/{repository}";
        if (digest is not null && !dryRun)
        {
            return ($"{prefix}@{digest}", false);
        }

        var tag = SettingsValues.SplitList(values.Get(EcsProperties.SdkContainerImageTags)) is [var first, ..] ? first : null;
        tag ??= values.Get(EcsProperties.SdkContainerImageTag)
            ?? "latest";
        if (registry is null)
        {
            // Without ContainerRegistry the deployment pushes to the account's ECR registry, which only AWS knows.
            var region = values.Get(EcsProperties.Region) ?? "<region>";
            prefix = $"<aws_account_id>.dkr.ecr.{region}.amazonaws.com/{repository}";
        }

        return ($"{prefix}:{tag}", false);
    }

    public static (IReadOnlyList<PortSetting> Ports, string? Source) ReadPorts(SettingsValues values)
    {
        var configuration = values.Get(EcsProperties.SdkGeneratedContainerConfiguration);
        if (configuration is not null)
        {
            try
            {
                return (ImageConfiguration.ExposedPorts(configuration), "image configuration");
            }
            catch (JsonException ex)
            {
                values.Diagnostics.Error(DiagnosticCodes.ImageConfigurationInvalid, EcsProperties.SdkGeneratedContainerConfiguration, $"{EcsProperties.SdkGeneratedContainerConfiguration} (the image configuration the SDK reported after the push) could not be read: {ex.Message}");
                return ([], null);
            }
        }

        var items = values.Items(EcsProperties.SdkContainerPortItem);
        if (items.Count > 0)
        {
            var ports = new List<PortSetting>();
            foreach (var item in items)
            {
                if (!int.TryParse(item.Include, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    values.Diagnostics.Error(DiagnosticCodes.PortMappingInvalid, $"ContainerPort '{item.Include}'", $"ContainerPort '{item.Include}' is not a port number between 1 and 65535.");
                    continue;
                }

                var protocol = (item.Get("Type") ?? "tcp").ToLowerInvariant();
                if (protocol is not ("tcp" or "udp"))
                {
                    values.Diagnostics.Error(DiagnosticCodes.PortMappingInvalid, $"ContainerPort '{item.Include}'", $"ContainerPort '{item.Include}' has Type='{protocol}'; use tcp or udp.");
                    continue;
                }

                ports.Add(new PortSetting(port, protocol));
            }

            return (ports, "ContainerPort items");
        }

        // No image yet (dry run): ASP.NET Core base images listen on ASPNETCORE_HTTP_PORTS, 8080 since .NET 8.
        var isWeb = string.Equals(values.Get(EcsProperties.SdkIsWebProject), "true", StringComparison.OrdinalIgnoreCase);
        var httpPorts = values.Items(EcsProperties.SdkContainerEnvironmentVariableItem)
            .FirstOrDefault(i => string.Equals(i.Include, "ASPNETCORE_HTTP_PORTS", StringComparison.OrdinalIgnoreCase))?.Get("Value");
        if (httpPorts is not null)
        {
            var declared = httpPorts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
                .Where(p => p is > 0 and <= 65535)
                .Select(p => new PortSetting(p, "tcp"))
                .ToArray();
            return (declared, "ASPNETCORE_HTTP_PORTS");
        }

        return isWeb ? ([new PortSetting(8080, "tcp")], "the ASP.NET Core default (8080)") : ([], null);
    }

    public static string? ArchitectureFromRuntimeIdentifier(SettingsValues values)
    {
        var rid = values.Get(EcsProperties.SdkContainerRuntimeIdentifier);
        return rid?.ToUpperInvariant() switch
        {
            null => null,
            var r when r.EndsWith("-X64", StringComparison.Ordinal) => "X86_64",
            var r when r.EndsWith("-ARM64", StringComparison.Ordinal) => "ARM64",
            _ => null,
        };
    }
}
