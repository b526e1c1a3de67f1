using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>Finds a service that is not INACTIVE (ECS keeps describing deleted services for a while).</summary>
internal static class ServiceLookup
{
    public static async Task<EcsService?> FindAsync(AwsSession aws, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var response = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [serviceName], Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        var service = response.Services?.FirstOrDefault(s => s.ServiceName == serviceName);
        return service?.Status == "INACTIVE" ? null : service;
    }
}
