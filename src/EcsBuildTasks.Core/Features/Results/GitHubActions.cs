using System.Text;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Features.Results;

/// <summary>
/// What a GitHub Actions workflow reads from a deployment: step outputs (<c>$GITHUB_OUTPUT</c>), the step summary
/// (<c>$GITHUB_STEP_SUMMARY</c>), and errors and warnings as annotations (<c>::error file=...::</c>) when the build runs
/// on GitHub Actions (<c>GITHUB_ACTIONS=true</c>).
/// </summary>
internal sealed class GitHubActions(Func<string, string?> environment)
{
    /// <summary>The variables of this process.</summary>
    public static GitHubActions FromEnvironment { get; } = new(Environment.GetEnvironmentVariable);

    public bool IsRunning => string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Appends the deployment's outputs to <c>$GITHUB_OUTPUT</c>: <c>SERVICE-image</c>, <c>SERVICE-task-definition-arn</c>,
    /// <c>SERVICE-service-arn</c>, <c>SERVICE-outcome</c> per service (a solution publish writes one set per service),
    /// and the same names without the prefix for workflows that publish one project. Nothing without the variable.
    /// </summary>
    /// <returns>The file written, or null.</returns>
    public string? WriteOutputs(DeploymentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (environment("GITHUB_OUTPUT") is not { Length: > 0 } path)
        {
            return null;
        }

        var values = new (string Name, string? Value)[]
        {
            ("image", result.Image),
            ("image-digest", result.ImageDigest),
            ("task-definition-arn", result.TaskDefinitionArn),
            ("service-arn", result.ServiceArn),
            ("cluster", result.Cluster),
            ("environment", result.Environment),
            ("outcome", result.Status),
            ("url", result.Url),
            ("service-deployment-arn", result.ServiceDeploymentArn),
        };
        var builder = new StringBuilder();
        foreach (var prefix in new[] { OutputName(result.Service) + "-", string.Empty })
        {
            foreach (var (name, value) in values.Where(v => v.Value is not null))
            {
                // One line per value: ECS names and ARNs hold no newline; a value that did would need the heredoc form.
                builder.Append(prefix).Append(name).Append('=').Append(value!.ReplaceLineEndings(" ")).Append('\n');
            }
        }

        File.AppendAllText(path, builder.ToString());
        return path;
    }

    /// <summary>Appends named values to <c>$GITHUB_OUTPUT</c> (one line each); null without the variable.</summary>
    public string? WriteOutputs(IEnumerable<(string Name, string Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (environment("GITHUB_OUTPUT") is not { Length: > 0 } path)
        {
            return null;
        }

        File.AppendAllText(path, string.Concat(values.Select(v => $"{v.Name}={v.Value.ReplaceLineEndings(" ")}\n")));
        return path;
    }

    /// <summary>Appends the Markdown summary of the deployment to <c>$GITHUB_STEP_SUMMARY</c>; null without the variable.</summary>
    public string? WriteStepSummary(string markdown)
    {
        if (environment("GITHUB_STEP_SUMMARY") is not { Length: > 0 } path)
        {
            return null;
        }

        File.AppendAllText(path, markdown + "\n");
        return path;
    }

    /// <summary>The workflow command that shows <paramref name="diagnostic"/> as an annotation on <paramref name="file"/>.</summary>
    public string Annotation(EcsDiagnostic diagnostic, string? file)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        var properties = new List<string>();
        if (file is { Length: > 0 })
        {
            properties.Add($"file={EscapeProperty(RelativeToWorkspace(file))}");
        }

        properties.Add($"title={EscapeProperty($"{diagnostic.Code} ({diagnostic.Subject})")}");
        return $"::{(diagnostic.IsError ? "error" : "warning")} {string.Join(',', properties)}::{EscapeData($"{diagnostic.Code}: {diagnostic.Message}")}";
    }

    /// <summary>GitHub annotates files by their path in the repository.</summary>
    private string RelativeToWorkspace(string file)
    {
        var workspace = environment("GITHUB_WORKSPACE");
        return workspace is { Length: > 0 } && Path.IsPathRooted(file) ? Path.GetRelativePath(workspace, file).Replace('\\', '/') : file.Replace('\\', '/');
    }

    private static string OutputName(string service) =>
        new(service.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());

    private static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
