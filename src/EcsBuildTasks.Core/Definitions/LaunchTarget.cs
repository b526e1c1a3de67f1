using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>Where tasks run: a launch type or a capacity provider strategy, never both.</summary>
internal sealed record LaunchTarget(string? LaunchType, IReadOnlyList<CapacityProviderStrategyItem> CapacityProviders)
{
    /// <summary>FARGATE (or a FARGATE/FARGATE_SPOT capacity provider strategy).</summary>
    public bool IsFargate => LaunchType == "FARGATE"
        || (LaunchType is null && CapacityProviders.Count > 0 && CapacityProviders.All(p => p.CapacityProvider is "FARGATE" or "FARGATE_SPOT"));

    public bool IsExternal => LaunchType == "EXTERNAL";

    public string Describe() => LaunchType ?? (CapacityProviders.Count > 0
        ? "capacity providers " + string.Join(", ", CapacityProviders.Select(p => $"{p.CapacityProvider} (weight {p.Weight ?? 0}, base {p.Base ?? 0})"))
        : "the cluster's default capacity provider strategy");

    public static LaunchTarget Resolve(EcsSettings settings, CreateServiceRequest? serviceTemplate)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.CapacityProviders.Count > 0 && settings.LaunchType is null)
        {
            return new LaunchTarget(null, ToStrategy(settings.CapacityProviders));
        }

        if (settings.LaunchType is not null)
        {
            // Both given is an error the validator reports (ECS0153); keep the items so it can see them.
            return new LaunchTarget(settings.LaunchType, ToStrategy(settings.CapacityProviders));
        }

        if (serviceTemplate?.CapacityProviderStrategy is { Count: > 0 } templateStrategy)
        {
            return new LaunchTarget(serviceTemplate.LaunchType?.Value, templateStrategy);
        }

        return new LaunchTarget(serviceTemplate?.LaunchType?.Value ?? "FARGATE", []);
    }

    private static List<CapacityProviderStrategyItem> ToStrategy(IReadOnlyList<CapacityProviderSetting> providers) =>
        providers.Select(p => new CapacityProviderStrategyItem { CapacityProvider = p.Name, Weight = p.Weight, Base = p.Base }).ToList();
}
