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
