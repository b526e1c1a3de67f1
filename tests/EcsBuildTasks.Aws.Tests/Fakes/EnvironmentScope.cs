using System.Collections;

namespace EcsBuildTasks.Aws.Tests.Fakes;

/// <summary>
/// Replaces every AWS_* environment variable for the duration of a test and restores them afterwards. The SDK reads
/// credentials and region from the process environment, so tests using this must be [DoNotParallelize].
/// The shared config and credentials files are this test run's (see <see cref="TestAssembly"/>): the SDK fixes their
/// paths once per process, so a scope writes their contents and empties them again when it ends.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> saved = new(StringComparer.Ordinal);

    public EnvironmentScope(IReadOnlyDictionary<string, string?>? variables = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("aws-env-").FullName;
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (name.StartsWith("AWS_", StringComparison.Ordinal))
            {
                saved[name] = (string?)entry.Value;
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        Set("AWS_CONFIG_FILE", ConfigFile);
        Set("AWS_SHARED_CREDENTIALS_FILE", CredentialsFile);
        Set("AWS_EC2_METADATA_DISABLED", "true");
        foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
        {
            Set(name, value);
        }

        // The SDK caches what it read from the environment and profile (IMDS endpoint, retry mode, ...) per process;
        // a test-only reset makes it read this scope's values.
        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
    }

    public string Directory { get; }

    public static string ConfigFile => TestAssembly.ConfigFile;

    public static string CredentialsFile => TestAssembly.CredentialsFile;

    public void Set(string name, string? value)
    {
        saved.TryAdd(name, null);
        Environment.SetEnvironmentVariable(name, value);
        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
    }

    public void Dispose()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (name.StartsWith("AWS_", StringComparison.Ordinal) && !saved.ContainsKey(name))
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        File.WriteAllText(ConfigFile, string.Empty);
        File.WriteAllText(CredentialsFile, string.Empty);
        Amazon.Runtime.Internal.FallbackInternalConfigurationFactory.Reset();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
