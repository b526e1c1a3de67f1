namespace EcsBuildTasks.Aws.Runtime;

/// <summary>Wire facts of a service from its model's metadata; generated into each service's config.</summary>
/// <param name="ServiceId">The SDK service id ("ECS", "Elastic Load Balancing v2"): drives <c>AWS_ENDPOINT_URL_&lt;ID&gt;</c> and profile <c>services</c> sections.</param>
/// <param name="SigningName">The SigV4 service name ("ecs", "ecr", "elasticloadbalancing").</param>
/// <param name="EndpointPrefix">The host prefix ("ecs", "api.ecr", "monitoring").</param>
/// <param name="ApiVersion">The API version ("2014-11-13").</param>
/// <param name="UserAgentName">The official namespace's last part ("ECS", "IdentityManagement"), used in the user agent and the request's service name.</param>
/// <param name="SecretResponses">Responses can hold secrets (ECR tokens): the SDK must never log their bodies.</param>
/// <param name="GlobalEndpoint">One endpoint per partition rather than per region (IAM: <c>iam.amazonaws.com</c>, Route 53:
/// <c>route53.amazonaws.com</c>), signed for the partition's global region (us-east-1 in the commercial partition) whatever
/// region the client is in: see <see cref="AwsGlobalEndpoints"/>. The generator sets it from the model's <c>globalEndpoint</c>.</param>
internal sealed record AwsServiceDescriptor(
    string ServiceId,
    string SigningName,
    string EndpointPrefix,
    string ApiVersion,
    string UserAgentName,
    bool SecretResponses,
    bool GlobalEndpoint = false)
{
    /// <summary>The name the official SDK gives its requests (<c>DefaultRequest.ServiceName</c>), seen in SDK logs and metrics.</summary>
    public string RequestServiceName => "Amazon." + UserAgentName;
}
