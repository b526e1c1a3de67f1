using EcsBuildTasks.Aws.CloudWatchLogs.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.TaskDefinitions;

/// <summary>The CloudWatch Logs groups the awslogs driver writes to: tasks could not start without them.</summary>
internal sealed class LogGroups(AwsSession aws, IDeploymentLog log)
{
    /// <summary>Creates the awslogs log groups the containers name, when missing.</summary>
    public async Task EnsureAsync(RegisterTaskDefinitionRequest definition, EcsSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(settings);
        var groups = (definition.ContainerDefinitions ?? [])
            .Where(c => c.LogConfiguration?.LogDriver?.Value == "awslogs")
            .Select(c => c.LogConfiguration!.Options?.GetValueOrDefault("awslogs-group"))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var existing = await AwsCalls.RunAsync("CloudWatch Logs DescribeLogGroups", () => aws.Logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }, cancellationToken)).ConfigureAwait(false);
            if (existing.LogGroups?.Exists(g => g.LogGroupName == group) == true)
            {
                continue;
            }

            try
            {
                await AwsCalls.RunAsync("CloudWatch Logs CreateLogGroup", () => aws.Logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = group }, cancellationToken)).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (ex.InnerException is ResourceAlreadyExistsException)
            {
                continue;
            }
            catch (DeploymentException ex)
            {
                throw new DeploymentException(DiagnosticCodes.LogGroupNotCreated, EcsProperties.LogGroup,
                    $"The log group {group} ({EcsProperties.LogGroup}) does not exist and could not be created: {(ex.Diagnostics.Count > 0 ? ex.Diagnostics[0].Message : ex.Message)}. Tasks could not start without it.", ex);
            }

            if (settings.LogRetentionDays is { } days)
            {
                await AwsCalls.RunAsync("CloudWatch Logs PutRetentionPolicy", () => aws.Logs.PutRetentionPolicyAsync(new PutRetentionPolicyRequest { LogGroupName = group, RetentionInDays = days }, cancellationToken)).ConfigureAwait(false);
            }

            log.Info($"EcsBuildTasks: created log group {group}{(settings.LogRetentionDays is { } d ? $" (retention {d} days)" : string.Empty)}");
        }
    }
}
