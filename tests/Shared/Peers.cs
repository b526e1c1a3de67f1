using System.Diagnostics;

namespace EcsBuildTasks.Testing;

/// <summary>
/// How tests treat a missing peer (moto, awscli, docker-registry, the AWS models):
/// Inconclusive on a developer machine, a failure when <c>ECS_REQUIRE_PEERS=1</c> (CI).
/// </summary>
internal static class Peers
{
    public static bool Required => Environment.GetEnvironmentVariable("ECS_REQUIRE_PEERS") == "1";

    /// <summary>Ends the test: Inconclusive, or a failure when peers are required.</summary>
    public static void Missing(string what)
    {
        var message = $"Test peer unavailable: {what}";
        if (Required)
        {
            Assert.Fail(message + " (ECS_REQUIRE_PEERS=1)");
        }

        Assert.Inconclusive(message);
    }

    /// <summary>The official AWS API models beside the repository (<c>../shared/aws-models</c>), or null.</summary>
    public static string? FindAwsModelsDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ECS_AWS_MODELS_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "aws-models");
            if (Directory.Exists(Path.Combine(candidate, "ecs")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The AWS models directory, or ends the test through <see cref="Missing"/>.</summary>
    public static string RequireAwsModels()
    {
        var dir = FindAwsModelsDirectory();
        if (dir is null)
        {
            Missing("the AWS API models (../shared/aws-models or ECS_AWS_MODELS_DIR)");
        }

        return dir!;
    }

    /// <summary>The repository root (the folder holding EcsBuildTasks.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EcsBuildTasks.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("EcsBuildTasks.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>True when <paramref name="fileName"/> starts and exits 0 with <paramref name="arguments"/>.</summary>
    public static bool CommandWorks(string fileName, params string[] arguments)
    {
        try
        {
            var result = ProcessRunner.Run(fileName, arguments, timeout: TimeSpan.FromSeconds(60));
            return result.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
