using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Reads definition templates. A template can be what <c>aws ecs register-task-definition</c> / <c>create-service</c>
/// take as <c>--cli-input-json</c>, or what <c>describe-task-definition</c> / <c>describe-services</c> print: the
/// describe-only members (ARNs, revision, status, counts, deployments, events...) are dropped. Any other unknown member
/// is an error naming its JSON path, because a typo would otherwise be silently ignored.
/// </summary>
internal static class TemplateLoader
{
    /// <summary>Members <c>describe-task-definition</c> prints that registration does not take.</summary>
    private static readonly string[] TaskDefinitionReadOnlyMembers =
    [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy",
        "deregisteredAt", "deleteRequestedAt",
    ];

    /// <summary>Members <c>describe-services</c> prints that <c>create-service</c> does not take.</summary>
    private static readonly string[] ServiceReadOnlyMembers =
    [
        "serviceArn", "clusterArn", "status", "runningCount", "pendingCount", "platformFamily", "taskSets", "deployments",
        "roleArn", "events", "createdAt", "createdBy", "currentServiceDeployment", "currentServiceRevisions", "resourceManagementType",
    ];

    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> MembersByType = new();

    public static RegisterTaskDefinitionRequest? LoadTaskDefinition(string? path, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (path is null || Parse(path, EcsProperties.TaskDefinitionTemplate, diagnostics) is not { } root)
        {
            return null;
        }

        // describe-task-definition prints {"taskDefinition": {...}, "tags": [...]}.
        if (root["taskDefinition"] is JsonObject wrapped)
        {
            if (root["tags"] is JsonArray tags && tags.Count > 0 && wrapped["tags"] is null)
            {
                wrapped["tags"] = tags.DeepClone();
            }

            root = wrapped;
        }

        Strip(root, TaskDefinitionReadOnlyMembers);
        return Convert<RegisterTaskDefinitionRequest>(root, path, EcsProperties.TaskDefinitionTemplate, diagnostics);
    }

    public static CreateServiceRequest? LoadServiceDefinition(string? path, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (path is null || Parse(path, EcsProperties.ServiceDefinitionTemplate, diagnostics) is not { } root)
        {
            return null;
        }

        // describe-services prints {"services": [{...}], "failures": []}.
        if (root["services"] is JsonArray services)
        {
            if (services.Count != 1 || services[0] is not JsonObject only)
            {
                diagnostics.Error(DiagnosticCodes.TemplateInvalid, EcsProperties.ServiceDefinitionTemplate, $"{EcsProperties.ServiceDefinitionTemplate} '{path}' lists {services.Count} services; keep exactly one.");
                return null;
            }

            root = only;
        }

        if (root["clusterArn"] is JsonValue clusterArn && root["cluster"] is null)
        {
            root["cluster"] = clusterArn.GetValue<string>();
        }

        Strip(root, ServiceReadOnlyMembers);
        return Convert<CreateServiceRequest>(root, path, EcsProperties.ServiceDefinitionTemplate, diagnostics);
    }

    private static JsonObject? Parse(string path, string property, DiagnosticCollection diagnostics)
    {
        try
        {
            // A member given twice is refused (once an ArgumentException and a stack trace): which one would ECS get?
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false });
            if (node is JsonObject obj)
            {
                return obj;
            }

            diagnostics.Error(DiagnosticCodes.TemplateInvalid, property, $"{property} '{path}' must contain a JSON object.");
        }
        catch (JsonException ex)
        {
            diagnostics.Error(DiagnosticCodes.TemplateInvalid, property, $"{property} '{path}' is not valid JSON: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            diagnostics.Error(DiagnosticCodes.TemplateInvalid, property, $"{property} '{path}' is not valid JSON for ECS: {ex.Message}");
        }
        catch (IOException ex)
        {
            diagnostics.Error(DiagnosticCodes.TemplateNotFound, property, $"{property} '{path}' could not be read: {ex.Message}");
        }

        return null;
    }

    private static void Strip(JsonObject root, string[] members)
    {
        foreach (var member in members)
        {
            root.Remove(member);
        }
    }

    private static T? Convert<T>(JsonObject root, string path, string property, DiagnosticCollection diagnostics)
        where T : class
    {
        var before = diagnostics.Count;
        FindUnknownMembers(root, typeof(T), "$", path, property, diagnostics);
        if (diagnostics.Count > before)
        {
            return null;
        }

        try
        {
            return EcsJson.Deserialize<T>(root.ToJsonString());
        }
        catch (JsonException ex)
        {
            diagnostics.Error(DiagnosticCodes.TemplateInvalid, property, $"{property} '{path}': {ex.Message}");
            return null;
        }
    }

    private static void FindUnknownMembers(JsonNode? node, Type type, string jsonPath, string file, string property, DiagnosticCollection diagnostics)
    {
        if (node is null)
        {
            return;
        }

        var elementType = ElementType(type);
        if (elementType is not null && node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                FindUnknownMembers(array[i], elementType, $"{jsonPath}[{i}]", file, property, diagnostics);
            }

            return;
        }

        if (node is not JsonObject obj || IsLeaf(type))
        {
            return;
        }

        var members = Members(type);
        foreach (var (name, value) in obj)
        {
            if (!members.TryGetValue(name, out var memberType))
            {
                var hint = members.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                diagnostics.Error(DiagnosticCodes.TemplateUnknownMember, property,
                    $"{property} '{file}': '{jsonPath}.{name}' is not a member of {type.Name}{(hint is null ? string.Empty : $" (did you mean '{hint}'?)")}.");
                continue;
            }

            FindUnknownMembers(value, memberType, $"{jsonPath}.{name}", file, property, diagnostics);
        }
    }

    private static IReadOnlyDictionary<string, Type> Members(Type type) => MembersByType.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.PropertyType, StringComparer.Ordinal));

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>Scalars, enums and maps (whose keys are data, not members) are not walked.</summary>
    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type == typeof(string) || Nullable.GetUnderlyingType(type) is not null || typeof(Amazon.Runtime.ConstantClass).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) || type == typeof(DateTime) || type == typeof(MemoryStream);
}
