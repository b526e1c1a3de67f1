using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary><c>dotnet msbuild -t:EcsIamPolicy</c>: writes the least-privilege IAM policy of the deploying principal for this project.</summary>
public sealed class WriteEcsIamPolicy : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    [Required]
    public string PolicyFile { get; set; } = string.Empty;

    /// <summary>The file written (<c>EcsIamPolicy</c>).</summary>
    [Output]
    public string? EcsIamPolicy { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(project, diagnostics) is not { } definitions)
        {
            return;
        }

        using var aws = AwsSession.ReadOnlyFor(definitions.Settings, EndpointUrl);
        RunSynchronously(() => new IamPolicyWriter(aws, DeploymentLog).WriteAsync(definitions, PolicyFile, CancellationToken));
        EcsIamPolicy = PolicyFile;
    }
}
