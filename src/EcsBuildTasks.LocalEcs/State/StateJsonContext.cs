using System.Text.Json.Serialization;

namespace EcsBuildTasks.LocalEcs.State;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(AccountState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
