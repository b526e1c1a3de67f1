using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// Runs the preparation (preflight, the image's digest) and the deployment as a CI principal whose access key LocalEcs
/// authorises against a given IAM policy (its enforcement), and reads back what the requests needed.
/// </summary>
internal static class IamProof
{
    public const string AccessKey = "AKIAPLANPROOF0000001";
    public const string Principal = "arn:aws:iam::123456789012:user/ci";

    /// <summary>Puts <paramref name="policy"/> in force for the CI principal's access key and clears the usage record.</summary>
    public static async Task EnforceAsync(LocalEcsHarness env, JsonNode policy)
    {
        await env.ControlAsync(HttpMethod.Post, "iam/policies", new { accessKeyId = AccessKey, principalArn = Principal, policy });
        using var http = ControlClient();
        using var cleared = await http.DeleteAsync(new Uri(env.Endpoint + "/_localecs/iam/usage"));
        cleared.EnsureSuccessStatusCode();
    }

    /// <summary>The preparation and the deployment of <paramref name="input"/> (EcsTarget=aws at LocalEcs's endpoint) as the CI principal.</summary>
    public static async Task<DeploymentReport> DeployAsync(LocalEcsHarness env, SettingsInput input, RecordingDeploymentLog? log = null)
    {
        log ??= new RecordingDeploymentLog();
        input.Set("EcsTarget", "aws");
        var definitions = LocalEcsHarness.Generate(input);
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings
        {
            Region = "us-east-1",
            EndpointUrl = env.Endpoint,
            Credentials = new BasicAWSCredentials(AccessKey, "proof"),
            MaxErrorRetry = 0,
        }));
        var preparation = await new DeploymentPreparation(aws, log).PrepareAsync(definitions, new ImageBuild(null, [], []), Path.GetTempPath(), CancellationToken.None);
        var project = Engine.Project.Read(input, new Diagnostics.DiagnosticCollection());
        var generated = (project with { Settings = preparation.Document.ApplyTo(project.Settings) }).Generate(new Diagnostics.DiagnosticCollection())!;
        var deployer = new Deployer(aws, log, env.Time!);
        return await env.WhileTimeRunsAsync(() => deployer.DeployAsync(generated, null, null, CancellationToken.None));
    }

    /// <summary>What the CI principal's requests needed: (action, resource) pairs, and the Allow patterns nothing used.</summary>
    public static async Task<JsonNode> UsageAsync(LocalEcsHarness env)
    {
        using var http = ControlClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri($"{env.Endpoint}/_localecs/iam/usage?accessKeyId={AccessKey}")))!;
    }

    /// <summary>A client of LocalEcs's control API (which answers only requests that say they are one).</summary>
    private static HttpClient ControlClient() => new() { DefaultRequestHeaders = { { LocalEcs.LocalEcsServer.ControlHeader, "1" } } };
}
