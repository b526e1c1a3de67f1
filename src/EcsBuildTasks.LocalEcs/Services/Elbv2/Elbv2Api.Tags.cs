using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: tags.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject AddTags(Elbv2State elb, JsonObject input)
    {
        foreach (var arn in input.Strings("ResourceArns"))
        {
            var tags = TagsOf(elb, arn);
            foreach (var tag in NormalizeTags(input.Arr("Tags")).OfType<JsonObject>())
            {
                RemoveTag(tags, tag.Str("Key"));
                tags.Add(tag.DeepClone());
            }
        }

        return [];
    }

    private static JsonObject RemoveTags(Elbv2State elb, JsonObject input)
    {
        foreach (var arn in input.Strings("ResourceArns"))
        {
            var tags = TagsOf(elb, arn);
            foreach (var key in input.Strings("TagKeys"))
            {
                RemoveTag(tags, key);
            }
        }

        return [];
    }

    private static void RemoveTag(JsonArray tags, string? key)
    {
        for (var i = tags.Count - 1; i >= 0; i--)
        {
            if ((tags[i] as JsonObject)?.Str("Key") == key)
            {
                tags.RemoveAt(i);
            }
        }
    }

    private static JsonArray TagsOf(Elbv2State elb, string arn) =>
        elb.LoadBalancers.GetValueOrDefault(arn)?.Tags ?? elb.TargetGroups.GetValueOrDefault(arn)?.Tags
        ?? elb.Listeners.GetValueOrDefault(arn)?.Tags ?? elb.Rules.GetValueOrDefault(arn)?.Tags
        ?? throw new AwsServiceException(arn.Contains(":targetgroup/", StringComparison.Ordinal) ? "TargetGroupNotFound" : "LoadBalancerNotFound", $"Resource '{arn}' not found");

    private static JsonArray NormalizeTags(JsonArray? tags) =>
        tags?.OfType<JsonObject>().Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Str("Key") }.Put("Value", t.Str("Value"))).ToJsonArray() ?? [];
}
