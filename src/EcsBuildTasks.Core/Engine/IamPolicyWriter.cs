using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// <c>-t:EcsIamPolicy</c>: the project's least-privilege policy, with the account and region filled in when the
/// credentials answer (STS GetCallerIdentity, which needs no permission), else <c>*</c> for the account.
/// </summary>
internal sealed class IamPolicyWriter(AwsSession aws, IDeploymentLog log)
{
    /// <summary>The project's policy: the common statements and its strategy's own (<c>IDeploymentStrategy.IamStatements</c>).</summary>
    /// <param name="principal">The deploying principal, when known (the <c>EcsCheckPermissions</c> statement names it).</param>
    /// <param name="found">What the preflight found (<see cref="IamScope.Found"/>); null for every statement a deployment may need.</param>
    /// <param name="foundExecutionRole">The default execution role as the preflight found it (<see cref="IamScope.FoundExecutionRoleArn"/>).</param>
    public static IamPolicyDocument PolicyFor(GeneratedDefinitions definitions, string account, string region, string? principal = null, IReadOnlySet<LiveFinding>? found = null, string? foundExecutionRole = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var scope = new IamScope(definitions, account, region) { Principal = principal, Found = found, FoundExecutionRoleArn = foundExecutionRole };
        return IamPolicyGenerator.Generate(scope, DeploymentStrategies.Of(definitions).IamStatements(scope));
    }

    public async Task<IamPolicyDocument> WriteAsync(GeneratedDefinitions definitions, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        string account;
        string? principal = null;
        try
        {
            var identity = await aws.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            account = identity.Account!;
            principal = identity.Arn is { } arn ? PermissionCheck.PrincipalOf(arn) : null;
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            account = "*";
            log.Info($"EcsBuildTasks: no AWS identity answered ({ex.Message.Split('\n')[0].Trim()}); the policy's ARNs name any account (*): replace it with yours");
        }

        string region;
        try
        {
            region = definitions.Settings.Region ?? aws.Factory.ResolvedRegion.SystemName;
        }
        catch (AmazonClientException)
        {
            region = "*";
        }

        var policy = PolicyFor(definitions, account, region, principal);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, policy.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentException(DiagnosticCodes.IamPolicyNotWritten, EcsProperties.IamPolicyFile, $"{EcsProperties.IamPolicyFile}={file}: the policy could not be written: {ex.Message}", ex);
        }

        log.Info($"EcsBuildTasks: wrote the IAM policy the deploying principal needs ({policy.Statements.Count} statements, {policy.Statements.Sum(s => s.Actions.Count)} actions) to {file}");
        return policy;
    }
}
