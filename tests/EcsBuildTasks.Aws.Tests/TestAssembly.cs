namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// Points the SDK's shared config and credentials files at empty files of this test run before any client exists.
/// AWSSDK.Core reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE once per process (a static constructor), so this
/// must happen first; it also keeps a developer's ~/.aws out of every test. At the end it stops the shared in-process LocalEcs.
/// </summary>
[TestClass]
public static class TestAssembly
{
    private static string? directory;

    public static string ConfigFile => Path.Combine(directory!, "config");

    public static string CredentialsFile => Path.Combine(directory!, "credentials");

    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        directory = Directory.CreateTempSubdirectory("aws-tests-").FullName;
        File.WriteAllText(ConfigFile, string.Empty);
        File.WriteAllText(CredentialsFile, string.Empty);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", ConfigFile);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", CredentialsFile);
        Environment.SetEnvironmentVariable("AWS_PROFILE", null);
    }

    [AssemblyCleanup]
    public static async Task CleanupAsync()
    {
        await LocalEcs.InProcessLocalEcs.StopAsync();
        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
