using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Throwaway projects that reference the package and deploy to the shared in-process LocalEcs, and how the tests
/// publish them. <c>-p:Simulate=crash</c> makes the tasks of that publish crash (LOCALECS_SIMULATE), and
/// <c>-p:Revision=N</c> makes a new revision without touching the code.
/// </summary>
internal static class LocalEcsProjects
{
    public static string NewName(string prefix = "e2e") => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public static async Task<ConsumerProject> CreateAsync(string cluster, string name, string properties = "", string items = "", string targets = "")
    {
        var endpoint = await LocalEcsFixture.EndpointAsync();
        return PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsTarget>local</EcsTarget>
            <EcsEndpointUrl>{endpoint}</EcsEndpointUrl>
            <EcsCluster>{cluster}</EcsCluster>
            <EcsCpu>256</EcsCpu>
            <EcsMemory>512</EcsMemory>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            <EcsTimeoutMinutes>10</EcsTimeoutMinutes>
            {properties}
            """, $"""
            <EcsEnvironmentVariable Include="LOCALECS_SIMULATE" Value="$(Simulate)" Condition="'$(Simulate)' != ''" />
            <EcsEnvironmentVariable Include="REVISION" Value="$(Revision)" Condition="'$(Revision)' != ''" />
            {items}
            """, name: name, targets: targets);
    }

    public static ProcessResult Publish(ConsumerProject project, params string[] extra) =>
        project.Dotnet(["publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", .. extra]);

    public static void AssertSucceeded(ProcessResult result) => Assert.AreEqual(0, result.ExitCode, result.ToString());
}
