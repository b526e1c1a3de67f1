using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>One AWS API call, decoded from whichever protocol carried it.</summary>
internal sealed class AwsRequest
{
    public required string Service { get; init; }

    public required string Operation { get; init; }

    public required string Region { get; init; }

    public required string RequestId { get; init; }

    public required JsonObject Input { get; init; }

    /// <summary>Simulated time of the call.</summary>
    public required DateTimeOffset Now { get; init; }

    public required AccountState Account { get; init; }

    /// <summary>The access key id of the SigV4 signature (null for unsigned internal calls).</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The caller's ARN: the LocalEcs user, the principal given for the access key, or an assumed role session.</summary>
    public string Principal { get; init; } = State.Account.UserArn;

    public RegionState RegionState => Account.Region(Region);
}

/// <summary>An AWS service LocalEcs serves. Handlers run under the account lock and throw <see cref="Protocols.AwsServiceException"/>.</summary>
internal interface IAwsApi
{
    /// <summary>The SigV4 signing name (<c>ecs</c>, <c>elasticloadbalancing</c>, …).</summary>
    string SigningName { get; }

    /// <summary>XML namespace of Query responses (null for JSON services).</summary>
    string? XmlNamespace => null;

    /// <summary>The operations this service implements (as named in its API model).</summary>
    IReadOnlyCollection<string> Operations { get; }

    bool Handles(string operation) => Operations.Contains(operation);

    JsonNode? Invoke(AwsRequest request);
}
