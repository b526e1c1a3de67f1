using System.Globalization;
using System.Text.Json;

namespace EcsBuildTasks.Core.Features.Solution;

/// <summary>
/// The first error of the compiler's SARIF 2.1 log (<c>-errorlog:file,version=2.1</c>, the <c>ErrorLog</c> property),
/// written the way the compiler prints it, so that a solution's summary can say where a project that did not build
/// broke without re-reading the build's log.
/// </summary>
internal static class CompilerErrorLog
{
    /// <summary>
    /// <c>Program.cs(3,5): error CS1002: ; expected</c> for the first error of <paramref name="path"/>, its file relative
    /// to <paramref name="projectDirectory"/>; null when there is no log, no error in it, or it cannot be read.
    /// </summary>
    public static string? FirstError(string path, string projectDirectory)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var log = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var result in Elements(log.RootElement, "runs").SelectMany(run => Elements(run, "results")))
            {
                if (Text(result, "level") == "error")
                {
                    return Describe(result, projectDirectory);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // A log being written or cut short: the summary then says only that the build failed.
        }

        return null;
    }

    private static string Describe(JsonElement result, string projectDirectory)
    {
        var message = result.TryGetProperty("message", out var m) ? Text(m, "text") : null;
        var error = $"error {Text(result, "ruleId") ?? "?"}: {message ?? "(no message)"}";
        var location = Elements(result, "locations").Select(l => l.TryGetProperty("physicalLocation", out var p) ? p : default).FirstOrDefault(p => p.ValueKind == JsonValueKind.Object);
        if (location.ValueKind != JsonValueKind.Object
            || !location.TryGetProperty("artifactLocation", out var artifact) || Text(artifact, "uri") is not { } uri
            || !Uri.TryCreate(uri, UriKind.Absolute, out var file) || !file.IsFile)
        {
            return error;
        }

        var relative = Path.GetRelativePath(projectDirectory, file.LocalPath).Replace('\\', '/');
        var region = location.TryGetProperty("region", out var r) ? r : default;
        return region.ValueKind == JsonValueKind.Object && Number(region, "startLine") is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{relative}({line},{Number(region, "startColumn") ?? 1}): {error}")
            : $"{relative}: {error}";
    }

    private static JsonElement[] Elements(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray()]
            : [];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
