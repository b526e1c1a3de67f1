using System.Text.Json;
using System.Text.Json.Serialization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Engine;

/// <summary>The subnets and security group of the default VPC, used when the project names none.</summary>
internal sealed record DefaultVpcNetwork(IReadOnlyList<string> Subnets, IReadOnlyList<string> SecurityGroups);

/// <summary>A port the image exposes (<c>8080/tcp</c>).</summary>
internal sealed record ExposedPort(int Port, string Protocol);

/// <summary>The running revision's image, deployed again because this build's content is the same.</summary>
internal sealed record ReusedImageReference(string Image, IReadOnlyList<ExposedPort> Ports);

/// <summary>
/// The hand-off from <c>PrepareEcsDeployment</c> to <c>DeployEcsService</c>: what the preparation resolved before the
/// image was built, written to <c>obj/&lt;cfg&gt;/&lt;tfm&gt;/ecs/prepared-deployment.json</c>. The deployment applies it
/// to the settings it reads (typed, never written back into the project's values). Versioned: a document of another
/// version (another package version between the two steps) is refused rather than misread.
/// </summary>
internal sealed record PreparedDeployment
{
    public const int CurrentVersion = 1;

    public const string FileName = "prepared-deployment.json";

    public int Version { get; init; } = CurrentVersion;

    /// <summary>The region the preparation resolved (the settings', or the SDK's chain).</summary>
    public required string Region { get; init; }

    public required string Account { get; init; }

    /// <summary>Set when the project names no subnets: the default VPC's, which the preparation looked up.</summary>
    public DefaultVpcNetwork? DefaultVpcNetwork { get; init; }

    /// <summary>Set when the task needs an execution role and names none: the account's <c>ecsTaskExecutionRole</c>, found or created.</summary>
    public string? DefaultExecutionRoleArn { get; init; }

    /// <summary><c>EcsImage</c>, pinned by digest when it is in this account's registry.</summary>
    public string? ExternalImage { get; init; }

    /// <summary>The running revision's image, deployed again instead of pushing a copy (<c>EcsReuseUnchangedImage</c>).</summary>
    public ReusedImageReference? ReusedImage { get; init; }

    /// <summary>What went into the image (tagged on the task definition, so the next build can reuse it).</summary>
    public string? ImageFingerprint { get; init; }

    public string? GitCommit { get; init; }

    /// <summary>
    /// The digest of everything the deployment is made from, when the strategy and features let the service be sealed with
    /// it (<c>Features/EcsServices/DeployedInputs</c>): a successful deployment tags the service with it.
    /// </summary>
    public string? InputsDigest { get; init; }

    /// <summary>Set when the preparation found the service up to date with these inputs: the deployment step sends nothing.</summary>
    public UpToDateService? UpToDate { get; init; }

    /// <summary>AWS requests the preparation sent (the result counts the whole deployment).</summary>
    public int Requests { get; init; }

    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, PreparedDeploymentJsonContext.Default.PreparedDeployment) + "\n");
    }

    public static PreparedDeployment Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        PreparedDeployment? prepared;
        try
        {
            prepared = JsonSerializer.Deserialize(File.ReadAllText(path), PreparedDeploymentJsonContext.Default.PreparedDeployment);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            throw new DeploymentException(DiagnosticCodes.Internal, "PrepareEcsDeployment", $"The prepared deployment {path} could not be read ({ex.Message}); publish again.", ex);
        }

        if (prepared is null || prepared.Version != CurrentVersion)
        {
            throw new DeploymentException(DiagnosticCodes.Internal, "PrepareEcsDeployment",
                $"The prepared deployment {path} is of version {prepared?.Version}, not {CurrentVersion}: it was written by another version of EcsBuildTasks. Publish again.");
        }

        return prepared;
    }

    /// <summary>The settings with what the preparation resolved: the region, the default VPC's network and the image to deploy.</summary>
    public EcsSettings ApplyTo(EcsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings = settings with { Region = settings.Region ?? Region };
        if (settings.Subnets.Count == 0 && DefaultVpcNetwork is { } network)
        {
            settings = settings with { Subnets = network.Subnets, SecurityGroups = network.SecurityGroups, UsesDefaultVpc = true };
        }

        if (settings.ExecutionRoleArn is null && DefaultExecutionRoleArn is { } role)
        {
            settings = settings with { ExecutionRoleArn = role };
        }

        if (ExternalImage is { } external)
        {
            settings = settings with { Image = external, ImageIsExternal = true };
        }

        if (ReusedImage is { } reused)
        {
            // Deployed like the image PublishContainer would have pushed: same registry, repository and exposed ports.
            var ports = reused.Ports.Select(p => new PortSetting(p.Port, p.Protocol.ToLowerInvariant())).OrderBy(p => p.Port).ThenBy(p => p.Protocol, StringComparer.Ordinal).ToArray();
            settings = settings with { Image = reused.Image, ImageIsExternal = true, ContainerPorts = ports, ContainerPortsSource = ImageSettingsReader.ImageConfigurationSource };
        }

        return settings;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PreparedDeployment))]
internal sealed partial class PreparedDeploymentJsonContext : JsonSerializerContext;
