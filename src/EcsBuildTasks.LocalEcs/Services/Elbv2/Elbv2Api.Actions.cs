using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: rule and listener actions and conditions, as ELB normalises them.</summary>
internal sealed partial class Elbv2Api
{
    /// <summary>Validates actions and gives them the shape ELB returns (typed numbers, forward configs with weights).</summary>
    private static JsonArray NormalizeActions(Elbv2State elb, JsonArray actions)
    {
        var result = new JsonArray();
        var order = 1;
        foreach (var action in actions.OfType<JsonObject>())
        {
            var type = action.Str("Type") ?? throw Validation("Type");
            var normalized = new JsonObject { ["Type"] = type };
            switch (type)
            {
                case "forward":
                {
                    var groups = action.Obj("ForwardConfig")?.Objects("TargetGroups")
                        .Select(g => (Arn: g.Str("TargetGroupArn") ?? string.Empty, Weight: g.Int("Weight") ?? 1)).ToList() ?? [];
                    if (action.Str("TargetGroupArn") is { } single && groups.All(g => g.Arn != single))
                    {
                        groups.Insert(0, (single, 1));
                    }

                    if (groups.Count == 0)
                    {
                        throw new AwsServiceException("ValidationError", "A forward action requires a target group");
                    }

                    foreach (var (arn, weight) in groups)
                    {
                        if (!elb.TargetGroups.ContainsKey(arn))
                        {
                            throw new AwsServiceException("TargetGroupNotFound", $"Target groups '{arn}' not found");
                        }

                        if (weight is < 0 or > 999)
                        {
                            throw new AwsServiceException("ValidationError", "Target group weights must be between 0 and 999");
                        }
                    }

                    if (groups.Count == 1)
                    {
                        normalized["TargetGroupArn"] = groups[0].Arn;
                    }

                    var stickiness = action.Obj("ForwardConfig")?.Obj("TargetGroupStickinessConfig");
                    normalized["ForwardConfig"] = new JsonObject
                    {
                        ["TargetGroups"] = groups.Select(g => (JsonNode?)new JsonObject { ["TargetGroupArn"] = g.Arn, ["Weight"] = g.Weight }).ToJsonArray(),
                        ["TargetGroupStickinessConfig"] = new JsonObject { ["Enabled"] = stickiness?.Bool("Enabled") ?? false }.Put("DurationSeconds", stickiness?.Int("DurationSeconds")),
                    };
                    break;
                }

                case "fixed-response":
                    var fixedResponse = action.Obj("FixedResponseConfig") ?? throw Validation("FixedResponseConfig");
                    normalized["FixedResponseConfig"] = new JsonObject { ["StatusCode"] = fixedResponse.Str("StatusCode") }
                        .Put("ContentType", fixedResponse.Str("ContentType")).Put("MessageBody", fixedResponse.Str("MessageBody"));
                    break;
                case "redirect":
                    normalized["RedirectConfig"] = action.CloneObj("RedirectConfig") ?? throw Validation("RedirectConfig");
                    break;
                default:
                    foreach (var (key, value) in action.Where(p => p.Key is not ("Type" or "Order")))
                    {
                        normalized[key] = value?.DeepClone();
                    }

                    break;
            }

            normalized["Order"] = action.Int("Order") ?? order;
            order++;
            result.Add(normalized);
        }

        return result;
    }

    private static JsonArray NormalizeConditions(JsonArray conditions)
    {
        foreach (var condition in conditions.OfType<JsonObject>())
        {
            var field = condition.Str("Field");
            var values = condition.Strings("Values").ToList();
            var config = field switch
            {
                "path-pattern" => "PathPatternConfig",
                "host-header" => "HostHeaderConfig",
                _ => null,
            };
            if (config is not null)
            {
                var configured = condition.Obj(config)?.Strings("Values").ToList() ?? values;
                condition[config] = new JsonObject { ["Values"] = configured.ToJsonArray() };
                condition["Values"] = configured.ToJsonArray();
            }
        }

        return conditions;
    }
}
