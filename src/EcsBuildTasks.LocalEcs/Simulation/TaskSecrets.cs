using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.SecretsManager;
using EcsBuildTasks.LocalEcs.Services.Ssm;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// What the ECS agent fetches before it pulls images: private registry credentials (<c>repositoryCredentials</c>, a
/// Secrets Manager secret), Secrets Manager secrets and SSM parameters named by <c>secrets[].valueFrom</c> and
/// <c>logConfiguration.secretOptions[].valueFrom</c>. A missing one stops the task with the
/// <c>ResourceInitializationError</c> ECS reports. Accepted forms, as ECS accepts them: a Secrets Manager ARN (complete
/// or without its random suffix, optionally <c>:json-key:version-stage:version-id</c>), an SSM parameter ARN, or a
/// parameter name in the task's region. Secrets of other accounts cannot be checked and are assumed to exist. Values
/// are read to check JSON keys, never logged or reported.
/// </summary>
internal static class TaskSecrets
{
    private const string Prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

    /// <summary>The task's stopped reason when a secret it needs cannot be retrieved, else null.</summary>
    public static string? Failure(SimulationContext context, TaskDefinitionRecord definition, string? executionRoleArn)
    {
        var containers = definition.Definition.Objects("containerDefinitions").ToList();
        foreach (var credentials in containers.Select(c => c.Obj("repositoryCredentials")?.Str("credentialsParameter")).OfType<string>())
        {
            if (RegistryAuthFailure(context, credentials, executionRoleArn) is { } failure)
            {
                return Prefix + "unable to get registry auth from asm: service call has been retried 1 time(s): " + failure;
            }
        }

        var references = containers
            .SelectMany(c => c.Objects("secrets").Concat(c.Obj("logConfiguration")?.Objects("secretOptions") ?? []))
            .Select(s => s.Str("valueFrom"))
            .OfType<string>()
            .ToList();
        foreach (var secret in references.Where(IsSecretsManager))
        {
            if (SecretFailure(context, secret, executionRoleArn) is { } failure)
            {
                return Prefix + "unable to retrieve secret from asm: service call has been retried 1 time(s): " + failure;
            }
        }

        var parameters = references.Where(r => !IsSecretsManager(r)).Distinct(StringComparer.Ordinal).ToList();
        var denied = parameters.Select(p => AccessDenied(context, executionRoleArn, "ssm:GetParameters", ParameterArn(context, p))).FirstOrDefault(d => d is not null);
        if (denied is not null)
        {
            return Prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " + denied;
        }

        var invalid = parameters.Where(p => !ParameterExists(context, p)).ToList();
        return invalid.Count > 0
            ? Prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " + string.Join(',', invalid)
            : null;
    }

    private static bool IsSecretsManager(string valueFrom) => valueFrom.StartsWith("arn:aws:secretsmanager:", StringComparison.Ordinal);

    /// <summary>A secret named by <c>secrets[].valueFrom</c>: found, its version found, its JSON key present.</summary>
    private static string? SecretFailure(SimulationContext context, string valueFrom, string? executionRoleArn)
    {
        var parts = valueFrom.Split(':');
        if (parts.Length is not (7 or 10) || parts[5] != "secret")
        {
            return $"trying to retrieve secret with value {valueFrom} resulted in error: an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.";
        }

        var secretId = string.Join(':', parts.Take(7));
        var (jsonKey, stage, versionId) = parts.Length == 10 ? (Empty(parts[7]), Empty(parts[8]), Empty(parts[9])) : (null, null, null);
        if (parts[4] != Account.Id)
        {
            return null;
        }

        if (AccessDenied(context, executionRoleArn, "secretsmanager:GetSecretValue", secretId) is { } denied)
        {
            return $"failed to fetch secret {secretId} from secrets manager: {denied}";
        }

        string value;
        try
        {
            value = Read(context, parts[3], secretId, versionId, stage);
        }
        catch (AwsServiceException e)
        {
            return $"failed to fetch secret {secretId} from secrets manager: {e.Code}: {e.Message} status code: 400, request id: {Guid.NewGuid()}";
        }

        if (jsonKey is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(value) is JsonObject fields && fields.ContainsKey(jsonKey)
                ? null
                : $"retrieved secret from Secrets Manager did not contain json key {jsonKey}";
        }
        catch (JsonException)
        {
            return $"invalid character '{value.TrimStart().FirstOrDefault()}' looking for beginning of value";
        }
    }

    /// <summary><c>repositoryCredentials.credentialsParameter</c>: a secret (ARN, or name in the task's region) holding <c>{"username", "password"}</c>.</summary>
    private static string? RegistryAuthFailure(SimulationContext context, string secretId, string? executionRoleArn)
    {
        var parts = secretId.Split(':');
        if (secretId.StartsWith("arn:", StringComparison.Ordinal) && (parts.Length < 7 || parts[4] != Account.Id))
        {
            return null;
        }

        var region = secretId.StartsWith("arn:", StringComparison.Ordinal) ? parts[3] : context.Region.Name;
        var arn = secretId.StartsWith("arn:", StringComparison.Ordinal) ? secretId : $"arn:aws:secretsmanager:{region}:{Account.Id}:secret:{secretId}";
        if (AccessDenied(context, executionRoleArn, "secretsmanager:GetSecretValue", arn) is { } denied)
        {
            return $"asm fetching secret from the service for {secretId}: {denied}";
        }

        string value;
        try
        {
            value = Read(context, region, secretId, null, null);
        }
        catch (AwsServiceException e)
        {
            return $"asm fetching secret from the service for {secretId}: {e.Code}: {e.Message} status code: 400, request id: {Guid.NewGuid()}";
        }

        if (value.Length == 0)
        {
            return "asm fetching authorization data: empty secrets value";
        }

        try
        {
            var fields = JsonNode.Parse(value) as JsonObject ?? throw new JsonException();
            return fields.Str("username") is { Length: > 0 }
                ? fields.Str("password") is { Length: > 0 } ? null : "asm fetching password: AuthorizationData is malformed, empty field"
                : "asm fetching username: AuthorizationData is malformed, empty field";
        }
        catch (JsonException)
        {
            return "asm fetching authorization data: unable to unmarshal secret value, invalid schema";
        }
    }

    /// <summary>GetSecretValue as the agent calls it: the secret's string value, or Secrets Manager's error.</summary>
    private static string Read(SimulationContext context, string region, string secretId, string? versionId, string? stage)
    {
        // A region nothing was created in holds no secrets (and is not created by looking).
        var secret = (context.Account.Regions.TryGetValue(region, out var state) ? SecretsManagerApi.Find(state.SecretsManager, secretId) : null)
            ?? throw SecretsManagerApi.NotFound();
        if (secret.DeletedDate is not null)
        {
            throw SecretsManagerApi.MarkedForDeletion();
        }

        return SecretsManagerApi.Version(secret, versionId, stage).SecretString ?? string.Empty;
    }

    private static bool ParameterExists(SimulationContext context, string valueFrom)
    {
        var region = valueFrom.StartsWith("arn:", StringComparison.Ordinal) ? valueFrom.Split(':')[3] : context.Region.Name;
        if (valueFrom.StartsWith("arn:", StringComparison.Ordinal) && valueFrom.Split(':')[4] != Account.Id)
        {
            return true;
        }

        return context.Account.Regions.TryGetValue(region, out var state) && SsmApi.Find(state.Ssm, valueFrom) is not null;
    }

    private static string ParameterArn(SimulationContext context, string valueFrom) =>
        valueFrom.StartsWith("arn:", StringComparison.Ordinal) ? valueFrom : SsmApi.Arn(context.Region.Name, valueFrom);

    /// <summary>
    /// With <c>--strict-iam-roles</c>, the execution role's own policies must allow the read, as they must in AWS
    /// (the agent signs with the role's credentials); otherwise, and for roles LocalEcs does not hold, nothing is checked.
    /// </summary>
    private static string? AccessDenied(SimulationContext context, string? executionRoleArn, string action, string resource)
    {
        if (!context.Runtime.Options.StrictIamRoles || executionRoleArn is null || context.Account.Iam.FindRoleByArn(TaskRoles.Normalize(executionRoleArn)) is not { } role)
        {
            return null;
        }

        var evaluation = RolePermissions.Evaluate(role, action, resource, context.Region.Name);
        if (evaluation.Allowed)
        {
            return null;
        }

        var principal = $"arn:aws:sts::{Account.Id}:assumed-role/{role.Name}/{Ids.Hex32()}";
        return $"AccessDeniedException: {AccessDenial.Message(principal, action, resource, evaluation)} status code: 400, request id: {Guid.NewGuid()}";
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
