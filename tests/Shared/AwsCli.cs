using System.Text.Json.Nodes;

namespace EcsBuildTasks.Testing;

/// <summary>
/// The machine image's AWS CLI (awscli 1.x), which validates requests and responses against its own copy of the
/// API models. Runs with throwaway credentials, no user configuration and a single attempt.
/// </summary>
internal static class AwsCli
{
    private static readonly Lazy<bool> Available = new(() => Peers.CommandWorks("aws", "--version"));

    public static void Require()
    {
        if (!Available.Value)
        {
            Peers.Missing("the AWS CLI (aws on PATH)");
        }
    }

    /// <summary>Runs <c>aws --endpoint-url endpoint args --output json</c>.</summary>
    public static ProcessResult Run(string endpoint, params string[] args) => Run(endpoint, "us-east-1", args);

    public static ProcessResult Run(string endpoint, string region, params string[] args)
    {
        Require();
        var arguments = new List<string> { "--endpoint-url", endpoint, "--region", region, "--output", "json" };
        arguments.AddRange(args);
        return ProcessRunner.Run("aws", arguments, environment: Environment(), timeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>Runs the CLI, asserts success and parses its JSON output (null when it printed nothing).</summary>
    public static JsonNode? Json(string endpoint, params string[] args)
    {
        var result = Run(endpoint, args);
        Assert.AreEqual(0, result.ExitCode, $"aws {string.Join(' ', args)} failed:\n{result}");
        return string.IsNullOrWhiteSpace(result.StandardOutput) ? null : JsonNode.Parse(result.StandardOutput);
    }

    public static Dictionary<string, string?> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_MAX_ATTEMPTS"] = "1",
        ["AWS_RETRY_MODE"] = "standard",
        ["AWS_PAGER"] = string.Empty,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };
}
