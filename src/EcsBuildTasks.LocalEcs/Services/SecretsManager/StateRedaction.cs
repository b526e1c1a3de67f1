using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Services.SecretsManager;

/// <summary>
/// Hides secret and SecureString values in the control API's state dump: they are test values, but a dump ends up in
/// logs and bug reports. The state file keeps them (it is the store); nothing else prints them.
/// </summary>
internal static class StateRedaction
{
    private const string Hidden = "(hidden by LocalEcs)";

    public static void HideValues(JsonNode dump)
    {
        foreach (var region in (dump["Regions"] as JsonObject)?.Select(r => r.Value).OfType<JsonObject>() ?? [])
        {
            foreach (var secret in (region["SecretsManager"]?["Secrets"] as JsonObject)?.Select(s => s.Value).OfType<JsonObject>() ?? [])
            {
                foreach (var version in (secret["Versions"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    Hide(version, "SecretString", "SecretBinary");
                }
            }

            foreach (var parameter in (region["Ssm"]?["Parameters"] as JsonObject)?.Select(p => p.Value).OfType<JsonObject>() ?? [])
            {
                foreach (var version in (parameter["History"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    Hide(version, "Value", "Ciphertext");
                }
            }
        }
    }

    private static void Hide(JsonObject holder, params string[] members)
    {
        foreach (var member in members.Where(holder.ContainsKey))
        {
            holder[member] = Hidden;
        }
    }
}
