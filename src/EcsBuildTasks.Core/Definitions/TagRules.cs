using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>AWS's rules for the tags of a task definition or a service.</summary>
internal static class TagRules
{
    private const int MaxTags = 50;

    public static void Validate(List<Tag>? tags, string where, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            diagnostics.Error(DiagnosticCodes.TagInvalid, EcsProperties.TagItem, $"The {where} has {tags.Count} tags; AWS allows at most {MaxTags}.");
        }

        foreach (var tag in tags)
        {
            var subject = $"{EcsProperties.TagItem} '{tag.Key}'";
            if (string.IsNullOrEmpty(tag.Key) || tag.Key.Length > 128 || (tag.Value?.Length ?? 0) > 256)
            {
                diagnostics.Error(DiagnosticCodes.TagInvalid, subject, $"{subject}: tag keys are 1–128 characters and values at most 256.");
            }
            else if (tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Error(DiagnosticCodes.TagInvalid, subject, $"{subject}: the 'aws:' prefix is reserved for AWS.");
            }
        }
    }
}
