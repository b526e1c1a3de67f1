namespace EcsBuildTasks;

/// <summary>
/// Hands the ECR token to the .NET SDK's container push through the environment variables it reads when the registry
/// challenges it (the SDK's own precedent: Visual Studio's publish does the same), and clears them afterwards. The token
/// is never an MSBuild property or item, so it never reaches a log or a binary log.
/// </summary>
internal static class RegistryCredentialHandoff
{
    public const string PushUser = "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME";
    public const string PushPassword = "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD";
    public const string PullUser = "DOTNET_CONTAINER_PULL_REGISTRY_UNAME";
    public const string PullPassword = "DOTNET_CONTAINER_PULL_REGISTRY_PWORD";

    /// <param name="alsoForPull">
    /// Only when the base image comes from the same registry: the SDK sends pull credentials to the base image's
    /// registry, and the token must not go to anyone else's.
    /// </param>
    public static void Set(string user, string password, bool alsoForPull)
    {
        Environment.SetEnvironmentVariable(PushUser, user);
        Environment.SetEnvironmentVariable(PushPassword, password);
        if (alsoForPull)
        {
            Environment.SetEnvironmentVariable(PullUser, user);
            Environment.SetEnvironmentVariable(PullPassword, password);
        }
    }

    public static void Clear()
    {
        foreach (var name in new[] { PushUser, PushPassword, PullUser, PullPassword })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
