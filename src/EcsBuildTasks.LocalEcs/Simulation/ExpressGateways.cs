using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// The part of ECS Express Mode that happens after the API call: once the service of a deleted Express service has
/// drained, ECS removes what it provisioned with the infrastructure role (listener rule, target groups, the tasks'
/// security group, the scalable target and its policy, the rollback alarm) and, when no other Express service uses
/// them, the shared load balancer, its listener and security group. ECS's own calls go through the same ELBv2, EC2,
/// Application Auto Scaling and CloudWatch APIs clients use, so what they create and remove is what those APIs show.
/// </summary>
internal static class ExpressGateways
{
    /// <summary>Tag ECS puts on the infrastructure it manages for Express services.</summary>
    public const string ManagedTag = "AmazonECSManaged";

    /// <summary>Tag naming the VPC and scheme a shared Express load balancer serves.</summary>
    public const string SharedLoadBalancerTag = "ecs:express-gateway:vpc-scheme";

    public static bool Step(SimulationContext context, EcsCluster cluster)
    {
        var active = false;
        foreach (var service in cluster.Services.Values.Where(s => s.Express is { StatusCode: not "INACTIVE" }))
        {
            var express = service.Express!;
            if (context.Now < express.ReadyAt)
            {
                // The URL's DNS name and certificate are a simulated wait like any other: instant mode skips it.
                context.WakeAt(express.ReadyAt);
                active = true;
            }

            if (express.StatusCode == "DRAINING")
            {
                active = true;
                if (service.Status == "INACTIVE")
                {
                    TearDown(context, cluster, service);
                }
            }
        }

        return active;
    }

    /// <summary>Calls another LocalEcs API as ECS does with the infrastructure role (same validation, same records).</summary>
    public static JsonObject Call(SimulationContext context, string signingName, string operation, JsonObject input)
    {
        var api = context.Runtime.Apis.First(a => a.SigningName == signingName);
        var result = api.Invoke(new AwsRequest
        {
            Service = signingName,
            Operation = operation,
            Region = context.Region.Name,
            RequestId = Guid.NewGuid().ToString(),
            Input = input,
            Now = context.Now,
            Account = context.Account,
        });
        return result as JsonObject ?? [];
    }

    private static void TearDown(SimulationContext context, EcsCluster cluster, EcsService service)
    {
        var express = service.Express!;
        var resources = express.Resources;
        var elb = context.Region.Elbv2;
        Ignore(() => Call(context, "application-autoscaling", "DeregisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resources.ScalableTargetResourceId,
            ["ScalableDimension"] = "ecs:service:DesiredCount",
        }));
        if (context.Region.Alarms.ContainsKey(resources.RollbackAlarmName))
        {
            context.Region.Alarms.Remove(resources.RollbackAlarmName);
        }

        if (elb.Rules.ContainsKey(resources.RuleArn))
        {
            Call(context, "elasticloadbalancing", "DeleteRule", new JsonObject { ["RuleArn"] = resources.RuleArn });
        }

        foreach (var group in resources.TargetGroupArns.Where(elb.TargetGroups.ContainsKey))
        {
            Ignore(() => Call(context, "elasticloadbalancing", "DeleteTargetGroup", new JsonObject { ["TargetGroupArn"] = group }));
        }

        if (resources.TaskSecurityGroupId is { } taskGroup)
        {
            // The EC2 subset has no DeleteSecurityGroup; ECS deletes the group it created.
            context.Region.Ec2.SecurityGroups.RemoveAll(g => g.GroupId == taskGroup);
        }

        var shared = context.Region.Clusters.Values.SelectMany(c => c.Services.Values)
            .Any(s => s != service && s.Express is { StatusCode: not "INACTIVE" } other && other.Resources.LoadBalancerArn == resources.LoadBalancerArn);
        if (!shared && elb.LoadBalancers.ContainsKey(resources.LoadBalancerArn))
        {
            Call(context, "elasticloadbalancing", "DeleteLoadBalancer", new JsonObject { ["LoadBalancerArn"] = resources.LoadBalancerArn });
            context.Region.Ec2.SecurityGroups.RemoveAll(g => g.GroupId == resources.LoadBalancerSecurityGroupId);
        }

        express.StatusCode = "INACTIVE";
        express.StatusReason = "The Express service was deleted, with the load balancer rule, target groups, security groups, auto scaling and alarm ECS provisioned for it.";
        express.UpdatedAt = context.Now;
        ServiceEvents.Add(service, $"(service {service.Name}) Express service resources were deleted.", context.Now);
    }

    /// <summary>Teardown is best effort: a resource someone already removed is simply gone.</summary>
    private static void Ignore(Action action)
    {
        try
        {
            action();
        }
        catch (AwsServiceException)
        {
        }
    }
}
