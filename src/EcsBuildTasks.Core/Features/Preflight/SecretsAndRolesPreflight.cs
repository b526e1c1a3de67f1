using System.Text.Json;
using Amazon.Runtime;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Aws.SecretsManager;
using EcsBuildTasks.Aws.SecretsManager.Model;
using EcsBuildTasks.Aws.SimpleSystemsManagement.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Preflight;

/// <summary>A secret a task reads when it starts: where it is named, and the reference ECS resolves.</summary>
/// <param name="Subject">What to fix: <c>EcsSecret 'DB'</c>, or the template's container and secret.</param>
/// <param name="ValueFrom">The Secrets Manager ARN, SSM parameter ARN or parameter name.</param>
internal sealed record TaskSecret(string Subject, string ValueFrom);

/// <summary>
/// Before anything is built or pushed, the secrets the tasks will read and the roles they run with, read-only and
/// without ever reading a value: every secret exists (Secrets Manager DescribeSecret, SSM DescribeParameters) in the
/// task's region, its version stage or id too; the execution role may read it (IAM SimulatePrincipalPolicy, where the
/// principal may simulate); a customer KMS key or another account is a warning naming the permission the role needs;
/// the execution and task roles exist (IAM GetRole) and trust <c>ecs-tasks.amazonaws.com</c>. ECS itself only finds a
/// missing secret when every task fails to start (<c>ResourceInitializationError</c>).
/// </summary>
internal sealed class SecretsAndRolesPreflight(AwsSession aws, IDeploymentLog log)
{
    private const string EcsTasksPrincipal = "ecs-tasks.amazonaws.com";

    public async Task CheckAsync(GeneratedDefinitions definitions, string account, string region, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(problems);
        var task = definitions.TaskDefinition;
        var executionRole = task.ExecutionRoleArn;
        await CheckRoleAsync(executionRole, EcsProperties.ExecutionRoleArn, account, problems, cancellationToken).ConfigureAwait(false);
        await CheckRoleAsync(task.TaskRoleArn, EcsProperties.TaskRoleArn, account, problems, cancellationToken).ConfigureAwait(false);
        foreach (var secret in Secrets(definitions))
        {
            await CheckSecretAsync(secret, executionRole, account, region, problems, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every secret the task definition names: container secrets, log driver secret options, registry credentials.</summary>
    public static IReadOnlyList<TaskSecret> Secrets(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var main = definitions.MainContainer.Name;
        var found = new List<TaskSecret>();
        foreach (var container in definitions.TaskDefinition.ContainerDefinitions ?? [])
        {
            foreach (var secret in container.Secrets ?? [])
            {
                var subject = container.Name == main && definitions.Settings.Secrets.Any(s => s.Name == secret.Name)
                    ? $"{EcsProperties.SecretItem} '{secret.Name}'"
                    : $"{EcsProperties.TaskDefinitionTemplate} (container {container.Name}, secret {secret.Name})";
                found.Add(new TaskSecret(subject, secret.ValueFrom ?? string.Empty));
            }

            foreach (var option in container.LogConfiguration?.SecretOptions ?? [])
            {
                found.Add(new TaskSecret($"{EcsProperties.TaskDefinitionTemplate} (container {container.Name}, log secret option {option.Name})", option.ValueFrom ?? string.Empty));
            }

            if (container.RepositoryCredentials?.CredentialsParameter is { } credentials)
            {
                found.Add(new TaskSecret($"{EcsProperties.TaskDefinitionTemplate} (container {container.Name}, repository credentials)", credentials));
            }
        }

        return found;
    }

    private async Task CheckSecretAsync(TaskSecret secret, string? executionRole, string account, string region, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var reference = SecretReference.Parse(secret.ValueFrom, region);
        if (reference is null)
        {
            problems.Error(DiagnosticCodes.SecretReferenceInvalid, secret.Subject,
                $"{secret.Subject}: '{secret.ValueFrom}' is neither a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) nor a parameter name.");
            return;
        }

        if (reference.Region != region)
        {
            problems.Error(DiagnosticCodes.SecretReferenceInvalid, secret.Subject,
                $"{secret.Subject}: '{secret.ValueFrom}' is in {reference.Region}, but the task runs in {region}; ECS reads secrets in the task's region. Replicate it to {region} and name that ARN.");
            return;
        }

        if (reference.Account is { } owner && owner != account)
        {
            problems.Warning(DiagnosticCodes.SecretNotCheckable, secret.Subject,
                $"{secret.Subject}: '{secret.ValueFrom}' belongs to account {owner}, so this build cannot check it; the execution role {executionRole ?? "(none set)"} needs {reference.ReadAction} on it, and the owner's resource policy (and KMS key policy) must allow that role.");
            return;
        }

        var (exists, kmsKey, describedArn) = reference.IsSecretsManager
            ? await DescribeSecretAsync(secret, reference, problems, cancellationToken).ConfigureAwait(false)
            : await DescribeParameterAsync(secret, reference, problems, cancellationToken).ConfigureAwait(false);
        if (!exists || executionRole is null)
        {
            return;
        }

        if (kmsKey is not null)
        {
            problems.Warning(DiagnosticCodes.SecretEncryptedWithKmsKey, secret.Subject,
                $"{secret.Subject}: '{secret.ValueFrom}' is encrypted with the KMS key {kmsKey}; the execution role {executionRole} needs kms:Decrypt on that key (and the key policy must allow it), or every task fails with ResourceInitializationError.");
        }

        // IAM evaluates the ARN ECS reads: the secret's complete one (with its random suffix), a parameter's in the build's account.
        var arn = describedArn ?? reference.Arn.Replace(":*:", $":{account}:", StringComparison.Ordinal);
        await CheckRoleMayReadAsync(secret, reference with { Arn = arn }, executionRole, problems, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool Exists, string? KmsKey, string? Arn)> DescribeSecretAsync(TaskSecret secret, SecretReference reference, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        DescribeSecretResponse described;
        try
        {
            described = await aws.SecretsManager.DescribeSecretAsync(new DescribeSecretRequest { SecretId = reference.Id }, cancellationToken).ConfigureAwait(false);
        }
        catch (EcsBuildTasks.Aws.SecretsManager.Model.ResourceNotFoundException)
        {
            problems.Error(DiagnosticCodes.SecretNotFound, secret.Subject,
                $"{secret.Subject}: the Secrets Manager secret {reference.Id} does not exist in {reference.Region}, so every task would fail to start (ResourceInitializationError: unable to pull secrets). Create it (aws secretsmanager create-secret --name {reference.Name}) or fix the ARN.");
            return (false, null, null);
        }
        catch (AmazonServiceException ex) when (AwsCalls.IsAccessDenied(ex))
        {
            NotCheckable(secret, "secretsmanager:DescribeSecret", reference.Id, problems);
            return (false, null, null);
        }

        if (described.DeletedDate is not null)
        {
            problems.Error(DiagnosticCodes.SecretNotFound, secret.Subject,
                $"{secret.Subject}: the Secrets Manager secret {described.Name} is scheduled for deletion, so tasks cannot read it. Restore it (aws secretsmanager restore-secret --secret-id {described.Name}) or name another.");
            return (false, null, null);
        }

        var versions = described.VersionIdsToStages ?? [];
        if (reference.VersionStage is { Length: > 0 } stage && !versions.Values.Any(stages => stages.Contains(stage)))
        {
            problems.Error(DiagnosticCodes.SecretNotFound, secret.Subject, $"{secret.Subject}: the secret {described.Name} has no version labelled {stage}.");
            return (false, null, null);
        }

        if (reference.VersionId is { Length: > 0 } versionId && !versions.ContainsKey(versionId))
        {
            problems.Error(DiagnosticCodes.SecretNotFound, secret.Subject, $"{secret.Subject}: the secret {described.Name} has no version {versionId}.");
            return (false, null, null);
        }

        if (reference.JsonKey is { Length: > 0 } key)
        {
            // The key is inside the value, which this build never reads.
            log.Detail($"EcsBuildTasks: {secret.Subject}: the JSON key {key} is not checked (that would read the secret's value)");
        }

        log.Detail($"EcsBuildTasks: {secret.Subject}: Secrets Manager secret {described.Name} exists");
        return (true, described.KmsKeyId is { } kms && !kms.EndsWith("alias/aws/secretsmanager", StringComparison.Ordinal) ? kms : null, described.ARN);
    }

    private async Task<(bool Exists, string? KmsKey, string? Arn)> DescribeParameterAsync(TaskSecret secret, SecretReference reference, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        DescribeParametersResponse described;
        try
        {
            described = await aws.Ssm.DescribeParametersAsync(new DescribeParametersRequest
            {
                ParameterFilters = [new ParameterStringFilter { Key = "Name", Option = "Equals", Values = [reference.Name] }],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (AwsCalls.IsAccessDenied(ex))
        {
            NotCheckable(secret, "ssm:DescribeParameters", "*", problems);
            return (false, null, null);
        }

        if (described.Parameters?.Find(p => p.Name == reference.Name) is not { } parameter)
        {
            problems.Error(DiagnosticCodes.SecretNotFound, secret.Subject,
                $"{secret.Subject}: the SSM parameter {reference.Name} does not exist in {reference.Region}, so every task would fail to start (ResourceInitializationError: unable to pull secrets). Create it (aws ssm put-parameter --name {reference.Name} --type SecureString --value ...) or fix the name.");
            return (false, null, null);
        }

        log.Detail($"EcsBuildTasks: {secret.Subject}: SSM parameter {parameter.Name} exists ({parameter.Type?.Value})");
        return (true, parameter.Type?.Value == "SecureString" && parameter.KeyId is { } key && !key.EndsWith("alias/aws/ssm", StringComparison.Ordinal) ? key : null, parameter.ARN);
    }

    /// <summary>
    /// Asks IAM whether the execution role may read the secret (SimulatePrincipalPolicy). When the principal may not
    /// simulate, or the endpoint does not offer it, nothing is concluded.
    /// </summary>
    private async Task CheckRoleMayReadAsync(TaskSecret secret, SecretReference reference, string executionRole, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        SimulatePrincipalPolicyResponse simulated;
        try
        {
            simulated = await aws.Iam.SimulatePrincipalPolicyAsync(new SimulatePrincipalPolicyRequest
            {
                PolicySourceArn = executionRole,
                ActionNames = [reference.ReadAction],
                ResourceArns = [reference.Arn],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (AwsCalls.IsAccessDenied(ex) || AwsCalls.IsUnsupportedOperation(ex) || ex is NoSuchEntityException)
        {
            log.Detail($"EcsBuildTasks: {secret.Subject}: whether {executionRole} may read it was not checked (IAM SimulatePrincipalPolicy: {ex.ErrorCode})");
            return;
        }

        var result = simulated.EvaluationResults?.FirstOrDefault();
        if (result?.EvalDecision is { } decision && decision != PolicyEvaluationDecisionType.Allowed)
        {
            problems.Error(DiagnosticCodes.SecretNotReadable, secret.Subject,
                $"{secret.Subject}: the execution role {executionRole} may not {reference.ReadAction} on {reference.Arn} ({decision.Value}), so every task would fail to start. Add to the role's policy: {{\"Effect\": \"Allow\", \"Action\": \"{reference.ReadAction}\", \"Resource\": \"{reference.Arn}\"}}.");
        }
    }

    private async Task CheckRoleAsync(string? roleArn, string property, string account, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        // arn:aws:iam::ACCOUNT:role/PATH/NAME
        var parts = roleArn?.Split(':', 6);
        if (parts is not ["arn", _, "iam", _, var owner, var resource] || !resource.StartsWith("role/", StringComparison.Ordinal))
        {
            return;
        }

        if (owner != account)
        {
            log.Detail($"EcsBuildTasks: {property}={roleArn} is in account {owner}; not checked");
            return;
        }

        var name = resource[(resource.LastIndexOf('/') + 1)..];
        Role role;
        try
        {
            role = (await aws.Iam.GetRoleAsync(new GetRoleRequest { RoleName = name }, cancellationToken).ConfigureAwait(false)).Role!;
        }
        catch (NoSuchEntityException)
        {
            problems.Error(DiagnosticCodes.RoleNotFound, property,
                $"{property}={roleArn}: the role does not exist, so ECS cannot start the tasks. Create it (trusting {EcsTasksPrincipal}) or fix {property}.");
            return;
        }
        catch (AmazonServiceException ex) when (AwsCalls.IsAccessDenied(ex) || AwsCalls.IsUnsupportedOperation(ex))
        {
            log.Detail($"EcsBuildTasks: {property}={roleArn}: not checked (IAM GetRole: {ex.ErrorCode})");
            return;
        }

        if (!Trusts(role.AssumeRolePolicyDocument))
        {
            problems.Warning(DiagnosticCodes.RoleNotTrustingEcsTasks, property,
                $"{property}={roleArn}: the role's trust policy does not let {EcsTasksPrincipal} assume it, so tasks cannot use it. Add to its trust policy: {{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"{EcsTasksPrincipal}\"}}, \"Action\": \"sts:AssumeRole\"}}.");
        }
    }

    /// <summary>True when an Allow statement of the (URL-encoded) trust policy names the ECS tasks service principal.</summary>
    private static bool Trusts(string? document)
    {
        if (document is null)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(Uri.UnescapeDataString(document));
            var statements = json.RootElement.GetProperty("Statement");
            IEnumerable<JsonElement> all = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray() : [statements];
            return all.Any(s => s.TryGetProperty("Effect", out var effect) && effect.GetString() == "Allow"
                && s.TryGetProperty("Principal", out var principal) && principal.ValueKind == JsonValueKind.Object
                && principal.TryGetProperty("Service", out var service)
                && (service.ValueKind == JsonValueKind.String ? [service.GetString()] : service.EnumerateArray().Select(v => v.GetString())).Contains(EcsTasksPrincipal));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void NotCheckable(TaskSecret secret, string action, string resource, DiagnosticCollection problems) =>
        problems.Warning(DiagnosticCodes.SecretNotCheckable, secret.Subject,
            $"{secret.Subject}: the deploying principal may not {action} on {resource}, so whether '{secret.ValueFrom}' exists was not checked. Allow {action} to have it checked before deploying.");
}

/// <summary>A secret reference as ECS reads it.</summary>
internal sealed record SecretReference(bool IsSecretsManager, string Region, string? Account, string Id, string Name, string Arn)
{
    public string? JsonKey { get; init; }

    public string? VersionStage { get; init; }

    public string? VersionId { get; init; }

    /// <summary>What the execution role needs to read it.</summary>
    public string ReadAction => IsSecretsManager ? "secretsmanager:GetSecretValue" : "ssm:GetParameters";

    /// <summary>
    /// A Secrets Manager ARN (complete or without the random suffix, optionally <c>:json-key:version-stage:version-id</c>),
    /// an SSM parameter ARN, or an SSM parameter name (in <paramref name="region"/>); null when it is none of them.
    /// </summary>
    public static SecretReference? Parse(string valueFrom, string region)
    {
        ArgumentNullException.ThrowIfNull(valueFrom);
        if (!valueFrom.StartsWith("arn:", StringComparison.Ordinal))
        {
            return valueFrom.Length == 0 || valueFrom.Contains(':', StringComparison.Ordinal)
                ? null
                : new SecretReference(false, region, null, valueFrom, valueFrom, $"arn:aws:ssm:{region}:*:parameter/{valueFrom.TrimStart('/')}");
        }

        var parts = valueFrom.Split(':');
        if (parts.Length < 6 || parts[3].Length == 0)
        {
            return null;
        }

        var (service, arnRegion, account) = (parts[2], parts[3], parts[4]);
        if (service == "secretsmanager" && parts.Length >= 7 && parts[5] == "secret" && parts[6].Length > 0)
        {
            var id = string.Join(':', parts[..7]);
            return new SecretReference(true, arnRegion, account, id, parts[6], id)
            {
                JsonKey = parts.Length > 7 ? parts[7] : null,
                VersionStage = parts.Length > 8 ? parts[8] : null,
                VersionId = parts.Length > 9 ? parts[9] : null,
            };
        }

        if (service == "ssm" && parts.Length == 6 && parts[5].StartsWith("parameter/", StringComparison.Ordinal))
        {
            var path = parts[5]["parameter/".Length..];

            // Names in a hierarchy start with '/'; the ARN of "/app/key" is parameter/app/key, of "key" parameter/key.
            var name = path.Contains('/', StringComparison.Ordinal) ? "/" + path : path;
            return new SecretReference(false, arnRegion, account, name, name, valueFrom);
        }

        return null;
    }
}
