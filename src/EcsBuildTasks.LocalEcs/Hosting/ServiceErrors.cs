using System.Net;
using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// The error codes each service answers the checks the router makes for every operation (invalid values, pagination
/// tokens, malformed ARNs) with, by SigV4 signing name. A service missing here gets its protocol's generic code
/// (<c>ValidationException</c> for JSON, <c>ValidationError</c> for Query), so a new service is checked before its
/// codes are added.
/// </summary>
internal static class ServiceErrors
{
    private static readonly Dictionary<string, string> ValidationCodes = new(StringComparer.Ordinal)
    {
        ["ecs"] = "InvalidParameterException",
        ["ecr"] = "InvalidParameterException",
        ["logs"] = "InvalidParameterException",
        ["servicediscovery"] = "InvalidInput",
        ["application-autoscaling"] = "ValidationException",
        ["monitoring"] = "InvalidParameterValue",
        ["elasticloadbalancing"] = "ValidationError",
        ["sts"] = "ValidationError",
        ["ec2"] = "InvalidParameterValue",
        ["route53"] = "InvalidInput",
        ["iam"] = "ValidationError",
        ["secretsmanager"] = "ValidationException",
        ["ssm"] = "ValidationException",
    };

    /// <summary>Services whose models declare a dedicated error for a bad pagination token.</summary>
    private static readonly Dictionary<string, string> TokenCodes = new(StringComparer.Ordinal)
    {
        ["application-autoscaling"] = "InvalidNextTokenException",
        ["monitoring"] = "InvalidNextToken",
        ["ec2"] = "InvalidPaginationToken",
        ["secretsmanager"] = "InvalidNextTokenException",
        ["ssm"] = "InvalidNextToken",
    };

    /// <summary>
    /// Services whose validation messages name members in lower camel case whatever the wire says (Route 53's
    /// <c>changeBatch.changes.1.member.action</c>, IAM's <c>maxItems</c>, SSM's <c>maxResults</c>), as their own
    /// handlers word them.
    /// </summary>
    private static readonly HashSet<string> CamelCaseMessages = new(StringComparer.Ordinal) { "route53", "iam", "secretsmanager", "ssm" };

    /// <summary>An input value the model or LocalEcs refuses (HTTP 400, the service's validation code).</summary>
    public static AwsServiceException Validation(string service, bool jsonProtocol, string message) =>
        new(ValidationCode(service, jsonProtocol), message);

    /// <summary>A <c>nextToken</c> (or Marker) that this operation did not hand out for this request.</summary>
    public static AwsServiceException InvalidToken(string service, bool jsonProtocol, string member) =>
        new(TokenCodes.GetValueOrDefault(service) ?? ValidationCode(service, jsonProtocol),
            $"The {member} is not valid: use the token the previous page of this same request returned.");

    /// <summary>A member that must hold an ARN holds something else.</summary>
    public static AwsServiceException MalformedArn(string service, bool jsonProtocol, string member, string value) => service switch
    {
        "ecs" => new("InvalidParameterException", "The ARN provided is invalid."),
        "ecr" => new("InvalidParameterException", $"Invalid parameter at '{member}' failed to satisfy constraint: 'Invalid ARN'"),
        "elasticloadbalancing" => new("ValidationError", $"'{Shorten(value)}' is not a valid ARN"),
        _ => new(ValidationCode(service, jsonProtocol), $"1 validation error detected: Value '{Shorten(value)}' at '{member}' failed to satisfy constraint: Member must be a valid ARN"),
    };

    /// <summary>The credential scope names no valid region: AWS answers that at its front door, before the service.</summary>
    public static AwsServiceException InvalidRegion(bool jsonProtocol, string region) =>
        new(jsonProtocol ? "InvalidSignatureException" : "SignatureDoesNotMatch", $"Credential should be scoped to a valid region, not '{Shorten(region)}'.", HttpStatusCode.Forbidden);

    private static string ValidationCode(string service, bool jsonProtocol) =>
        ValidationCodes.GetValueOrDefault(service) ?? (jsonProtocol ? "ValidationException" : "ValidationError");

    /// <summary>A member (or a dotted member path) as the service's validation messages name it.</summary>
    public static string MemberName(string service, string member) =>
        CamelCaseMessages.Contains(service) ? string.Join('.', member.Split('.').Select(s => s.Length > 0 && char.IsUpper(s[0]) ? char.ToLowerInvariant(s[0]) + s[1..] : s)) : member;

    internal static string Shorten(string text) => text.Length <= 128 ? text : text[..128] + "…";
}
