using System.Text.Json;
using System.Text.Json.Serialization;

namespace EcsBuildTasks.Aws.ECS.Model;

/// <summary>
/// <c>hookDetails</c> of a lifecycle hook: the model declares it a free JSON document, which the shape generator emits
/// as an empty class. Its members are carried here, so a document set by a user (or read back from ECS) survives a
/// round trip instead of being dropped.
/// </summary>
public partial class HookDetails
{
    /// <summary>The document's members, as JSON.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Members { get; set; } = new(StringComparer.Ordinal);
}
