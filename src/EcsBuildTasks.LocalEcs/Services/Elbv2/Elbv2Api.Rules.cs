using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: listener rules and their priorities.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject CreateRule(AwsRequest request, Elbv2State elb)
    {
        var input = request.Input;
        var listener = Listener(elb, input.Str("ListenerArn"));
        var priority = input.Int("Priority") ?? throw Validation("Priority");
        if (priority is < 1 or > 50000)
        {
            throw new AwsServiceException("ValidationError", "1 validation error detected: Value at 'priority' failed to satisfy constraint: Member must have value between 1 and 50000");
        }

        var text = priority.ToString(CultureInfo.InvariantCulture);
        if (elb.Rules.Values.Any(r => r.ListenerArn == listener.Arn && r.Priority == text))
        {
            throw new AwsServiceException("PriorityInUse", $"Priority '{priority}' is currently in use");
        }

        var conditions = input.CloneArr("Conditions") ?? throw Validation("Conditions");
        var listenerPath = listener.Arn[(listener.Arn.IndexOf("listener/", StringComparison.Ordinal) + "listener/".Length)..];
        var rule = new RuleRecord
        {
            Arn = $"arn:aws:elasticloadbalancing:{request.Region}:{Account.Id}:listener-rule/{listenerPath}/{Ids.Hex(16)}",
            ListenerArn = listener.Arn,
            Priority = text,
            Conditions = NormalizeConditions(conditions),
            Actions = NormalizeActions(elb, input.Arr("Actions") ?? throw Validation("Actions")),
            Tags = NormalizeTags(input.Arr("Tags")),
        };
        elb.Rules[rule.Arn] = rule;
        return new JsonObject { ["Rules"] = new JsonArray(RenderRule(rule)) };
    }

    private static JsonObject RenderRule(RuleRecord rule) => new()
    {
        ["RuleArn"] = rule.Arn,
        ["Priority"] = rule.Priority,
        ["Conditions"] = rule.Conditions.DeepClone(),
        ["Actions"] = rule.Actions.DeepClone(),
        ["IsDefault"] = false,
    };

    private static JsonObject RenderDefaultRule(ListenerRecord listener) => new()
    {
        ["RuleArn"] = listener.DefaultRuleArn,
        ["Priority"] = "default",
        ["Conditions"] = new JsonArray(),
        ["Actions"] = listener.DefaultActions.DeepClone(),
        ["IsDefault"] = true,
    };

    private static IEnumerable<JsonNode?> FindRules(Elbv2State elb, JsonObject input)
    {
        var arns = input.Strings("RuleArns").ToList();
        if (input.Str("ListenerArn") is { } listenerArn)
        {
            var listener = Listener(elb, listenerArn);
            return elb.Rules.Values.Where(r => r.ListenerArn == listener.Arn)
                .OrderBy(r => int.Parse(r.Priority, CultureInfo.InvariantCulture))
                .Select(r => (JsonNode?)RenderRule(r))
                .Append(RenderDefaultRule(listener));
        }

        var result = new List<JsonNode?>();
        foreach (var arn in arns)
        {
            if (elb.Rules.TryGetValue(arn, out var rule))
            {
                result.Add(RenderRule(rule));
            }
            else if (elb.Listeners.Values.FirstOrDefault(l => l.DefaultRuleArn == arn) is { } listener)
            {
                result.Add(RenderDefaultRule(listener));
            }
            else
            {
                throw new AwsServiceException("RuleNotFound", "One or more rules not found");
            }
        }

        return result;
    }

    private static JsonObject ModifyRule(Elbv2State elb, JsonObject input)
    {
        var arn = input.Str("RuleArn") ?? throw Validation("RuleArn");
        if (elb.Listeners.Values.FirstOrDefault(l => l.DefaultRuleArn == arn) is { } listener)
        {
            if (input.Arr("Conditions") is { Count: > 0 })
            {
                throw new AwsServiceException("OperationNotPermitted", "Conditions cannot be added to a default rule");
            }

            if (input.Arr("Actions") is { } defaultActions)
            {
                listener.DefaultActions = NormalizeActions(elb, defaultActions);
            }

            return new JsonObject { ["Rules"] = new JsonArray(RenderDefaultRule(listener)) };
        }

        var rule = elb.Rules.GetValueOrDefault(arn) ?? throw new AwsServiceException("RuleNotFound", "One or more rules not found");
        if (input.Arr("Actions") is { } actions)
        {
            rule.Actions = NormalizeActions(elb, actions);
        }

        if (input.Arr("Conditions") is { } conditions)
        {
            rule.Conditions = NormalizeConditions((JsonArray)conditions.DeepClone());
        }

        return new JsonObject { ["Rules"] = new JsonArray(RenderRule(rule)) };
    }

    private static JsonObject DeleteRule(Elbv2State elb, JsonObject input)
    {
        var arn = input.Str("RuleArn") ?? throw Validation("RuleArn");
        if (elb.Listeners.Values.Any(l => l.DefaultRuleArn == arn))
        {
            throw new AwsServiceException("OperationNotPermitted", $"Default rule '{arn}' cannot be deleted");
        }

        if (!elb.Rules.Remove(arn))
        {
            throw new AwsServiceException("RuleNotFound", "One or more rules not found");
        }

        return [];
    }

    private static JsonObject SetRulePriorities(Elbv2State elb, JsonObject input)
    {
        var rules = new JsonArray();
        foreach (var entry in input.Objects("RulePriorities"))
        {
            var rule = elb.Rules.GetValueOrDefault(entry.Str("RuleArn") ?? string.Empty) ?? throw new AwsServiceException("RuleNotFound", "One or more rules not found");
            rule.Priority = (entry.Int("Priority") ?? throw Validation("Priority")).ToString(CultureInfo.InvariantCulture);
            rules.Add(RenderRule(rule));
        }

        return new JsonObject { ["Rules"] = rules };
    }
}
