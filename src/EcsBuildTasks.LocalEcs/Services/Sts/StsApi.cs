using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Iam.Authorization;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Sts;

/// <summary>
/// STS (Query): callers are the LocalEcs user unless the control API names another principal for their access key;
/// AssumeRole hands out session credentials that then act as the role (for GetCallerIdentity and IAM enforcement).
/// </summary>
internal sealed class StsApi(IamAuthorizer sessions) : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "GetCallerIdentity",
        "AssumeRole",
    ];

    public string SigningName => "sts";

    public string XmlNamespace => "https://sts.amazonaws.com/doc/2011-06-15/";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request) => request.Operation switch
    {
        "GetCallerIdentity" => new JsonObject
        {
            ["UserId"] = request.Principal.Contains(":assumed-role/", StringComparison.Ordinal)
                ? "AROA" + Ids.StableHex(RoleArnOf(request.Principal), 16).ToUpperInvariant() + ":" + request.Principal[(request.Principal.LastIndexOf('/') + 1)..]
                : "AIDALOCALECS00000000",
            ["Account"] = Account.Id,
            ["Arn"] = request.Principal,
        },
        _ => AssumeRole(request),
    };

    private static string RoleArnOf(string assumedRoleArn) => $"arn:aws:iam::{Account.Id}:role/{assumedRoleArn.Split('/')[1]}";

    private JsonObject AssumeRole(AwsRequest request)
    {
        var input = request.Input;
        var roleArn = input.Str("RoleArn");
        var sessionName = input.Str("RoleSessionName");
        if (string.IsNullOrEmpty(roleArn) || string.IsNullOrEmpty(sessionName))
        {
            throw new AwsServiceException("ValidationError", "1 validation error detected: RoleArn and RoleSessionName are required");
        }

        var marker = ":role/";
        var at = roleArn.IndexOf(marker, StringComparison.Ordinal);
        if (!roleArn.StartsWith("arn:aws:iam::", StringComparison.Ordinal) || at < 0)
        {
            throw new AwsServiceException("ValidationError", $"{roleArn} is invalid");
        }

        var roleName = roleArn[(at + marker.Length)..].Split('/')[^1];
        var duration = input.Int("DurationSeconds") ?? 3600;
        if (duration is < 900 or > 43200)
        {
            throw new AwsServiceException("ValidationError", "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
        }

        var roleId = "AROA" + Ids.StableHex(roleArn, 16).ToUpperInvariant();
        var accessKeyId = "ASIA" + Ids.Hex(16).ToUpperInvariant();
        sessions.RegisterSession(accessKeyId, roleArn, sessionName);
        return new JsonObject
        {
            ["Credentials"] = new JsonObject
            {
                ["AccessKeyId"] = accessKeyId,
                ["SecretAccessKey"] = Ids.Alphanumeric(40),
                ["SessionToken"] = Ids.Alphanumeric(120),
                ["Expiration"] = AwsValues.Timestamp(request.Now.AddSeconds(duration)),
            },
            ["AssumedRoleUser"] = new JsonObject
            {
                ["AssumedRoleId"] = $"{roleId}:{sessionName}",
                ["Arn"] = $"arn:aws:sts::{Account.Id}:assumed-role/{roleName}/{sessionName}",
            },
            ["PackedPolicySize"] = 0,
        };
    }
}
