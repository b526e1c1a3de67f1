using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: listeners.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject CreateListener(AwsRequest request, Elbv2State elb)
    {
        var input = request.Input;
        var balancer = LoadBalancer(elb, input.Str("LoadBalancerArn"));
        var port = input.Int("Port");
        var protocol = input.Str("Protocol") ?? (balancer.Type == "application" ? "HTTP" : "TCP");
        if (port is not null && elb.Listeners.Values.Any(l => l.LoadBalancerArn == balancer.Arn && l.Port == port))
        {
            throw new AwsServiceException("DuplicateListener", $"A listener already exists on this port for this load balancer '{balancer.Arn}'");
        }

        var actions = NormalizeActions(elb, input.Arr("DefaultActions") ?? throw Validation("DefaultActions"));
        var lbPath = balancer.Arn[(balancer.Arn.IndexOf("loadbalancer/", StringComparison.Ordinal) + "loadbalancer/".Length)..];
        var id = Ids.Hex(16);
        var arn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener/{lbPath}/{id}";
        var listener = new ListenerRecord
        {
            Arn = arn,
            LoadBalancerArn = balancer.Arn,
            Port = port,
            Protocol = protocol,
            DefaultActions = actions,
            Certificates = input.CloneArr("Certificates"),
            SslPolicy = input.Str("SslPolicy") ?? (protocol is "HTTPS" or "TLS" ? "ELBSecurityPolicy-2016-08" : null),
            AlpnPolicy = input.CloneArr("AlpnPolicy"),
            Tags = NormalizeTags(input.Arr("Tags")),
            DefaultRuleArn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener-rule/{lbPath}/{id}/{Ids.Hex(16)}",
        };
        elb.Listeners[arn] = listener;
        return new JsonObject { ["Listeners"] = new JsonArray(RenderListener(listener)) };
    }

    private static JsonObject RenderListener(ListenerRecord listener) =>
        new JsonObject
        {
            ["ListenerArn"] = listener.Arn,
            ["LoadBalancerArn"] = listener.LoadBalancerArn,
            ["DefaultActions"] = listener.DefaultActions.DeepClone(),
        }
        .Put("Port", listener.Port).Put("Protocol", listener.Protocol).Put("Certificates", listener.Certificates?.DeepClone())
        .Put("SslPolicy", listener.SslPolicy).Put("AlpnPolicy", listener.AlpnPolicy?.DeepClone());

    private static IEnumerable<ListenerRecord> FindListeners(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("ListenerArns").ToList();
        var balancer = input.Str("LoadBalancerArn");
        if (balancer is not null && !elb.LoadBalancers.ContainsKey(balancer))
        {
            throw new AwsServiceException("LoadBalancerNotFound", $"Load balancer '{balancer}' not found");
        }

        var found = elb.Listeners.Values.Where(l => (arns.Count == 0 || arns.Contains(l.Arn)) && (balancer is null || l.LoadBalancerArn == balancer)).ToList();
        if (arns.Count > 0 && found.Count < arns.Count)
        {
            throw new AwsServiceException("ListenerNotFound", "One or more listeners not found");
        }

        return found.OrderBy(l => l.Port);
    }

    private static JsonObject ModifyListener(Elbv2State elb, JsonObject input)
    {
        var listener = Listener(elb, input.Str("ListenerArn"));
        if (input.Arr("DefaultActions") is { } actions)
        {
            listener.DefaultActions = NormalizeActions(elb, actions);
        }

        listener.Port = input.Int("Port") ?? listener.Port;
        listener.Protocol = input.Str("Protocol") ?? listener.Protocol;
        listener.SslPolicy = input.Str("SslPolicy") ?? listener.SslPolicy;
        listener.Certificates = input.CloneArr("Certificates") ?? listener.Certificates;
        return new JsonObject { ["Listeners"] = new JsonArray(RenderListener(listener)) };
    }

    private static JsonObject DeleteListener(Elbv2State elb, JsonObject input)
    {
        RemoveListener(elb, Listener(elb, input.Str("ListenerArn")));
        return [];
    }

    private static void RemoveListener(Elbv2State elb, ListenerRecord listener)
    {
        foreach (var rule in elb.Rules.Values.Where(r => r.ListenerArn == listener.Arn).ToList())
        {
            elb.Rules.Remove(rule.Arn);
        }

        elb.Listeners.Remove(listener.Arn);
    }
}
