using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// Runs the preparation (preflight, the image's digest) and the deployment as a CI principal whose access key LocalEcs
/// authorises against a given IAM policy (its enforcement), and reads back what the requests needed.
/// </summary>
internal static class IamProof
{
    public const string AccessKey = "AKIAPLANPROOF0000001";
    public const string Principal = "arn:aws:iam::123456789012:user/ci";

    /// <summary>The commit and image fingerprint a build passes to the deployment when the preparation names none.</summary>
    private const string Commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const string Fingerprint = "sha256:0f3a1c";

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
        using var aws = Session(env);
        var preparation = await new DeploymentPreparation(aws, log).PrepareAsync(definitions, new ImageBuild(null, [], []), Path.GetTempPath(), CancellationToken.None);
        var project = Engine.Project.Read(input, new Diagnostics.DiagnosticCollection());
        var generated = (project with { Settings = preparation.Document.ApplyTo(project.Settings) }).Generate(new Diagnostics.DiagnosticCollection())!;
        var deployer = new Deployer(aws, log, env.Time!);

        // As DeployEcsService does: the commit and the image's fingerprint are tagged on what the deployment registers.
        return await env.WhileTimeRunsAsync(() => deployer.DeployAsync(generated, preparation.Document.GitCommit ?? Commit, preparation.Document.ImageFingerprint ?? Fingerprint, CancellationToken.None));
    }

    /// <summary><c>-t:EcsStatus</c> of <paramref name="input"/> as the CI principal.</summary>
    public static async Task<IReadOnlyList<string>> StatusAsync(LocalEcsHarness env, SettingsInput input)
    {
        input.Set("EcsTarget", "aws");
        using var aws = Session(env);
        return await new Deployer(aws, new RecordingDeploymentLog(), env.Time!).StatusAsync(LocalEcsHarness.Generate(input), CancellationToken.None);
    }

    /// <summary>
    /// The proof for one project: the policy <c>-t:EcsIamPolicy</c> writes for <paramref name="first"/> is put in force;
    /// the deployments of <paramref name="first"/> (create) and <paramref name="second"/> (a change), then
    /// <c>-t:EcsStatus</c>, run as the CI principal and succeed; no request of theirs was denied (a strategy that calls an
    /// action its <c>IamStatements</c> do not grant fails here, naming it); and every action the policy allows was used,
    /// except what only a failure needs. <paramref name="failing"/>, when given, is deployed third and must fail and roll
    /// back under the same policy, without a denial.
    /// </summary>
    public static Task<Proof> ProveAsync(LocalEcsHarness env, SettingsInput first, SettingsInput second, SettingsInput? failing = null) =>
        ProveStepsAsync(env, first, () => Task.FromResult(second), failing is null ? null : () => failing);

    /// <summary>The proof with one project changed in place between the deployments by <paramref name="changeAsync"/> (which may change the account too).</summary>
    public static Task<Proof> ProveAsync(LocalEcsHarness env, SettingsInput input, Func<SettingsInput, Task> changeAsync, Action<SettingsInput>? breakIt) =>
        ProveStepsAsync(env, input, async () =>
        {
            await changeAsync(input);
            return input;
        }, breakIt is null ? null : () =>
        {
            breakIt(input);
            return input;
        });

    /// <summary>The proof of <see cref="ProveAsync(LocalEcsHarness, SettingsInput, SettingsInput, SettingsInput?)"/> with one project changed in place between the deployments.</summary>
    public static Task<Proof> ProveAsync(LocalEcsHarness env, SettingsInput input, Action<SettingsInput> change, Action<SettingsInput>? breakIt = null) =>
        ProveStepsAsync(env, input, () =>
        {
            change(input);
            return Task.FromResult(input);
        }, breakIt is null ? null : () =>
        {
            breakIt(input);
            return input;
        });

    private static async Task<Proof> ProveStepsAsync(LocalEcsHarness env, SettingsInput first, Func<Task<SettingsInput>> secondStep, Func<SettingsInput>? failingStep)
    {
        var definitions = LocalEcsHarness.Generate(first);
        var policy = IamPolicyWriter.PolicyFor(definitions, "123456789012", "us-east-1", Principal);
        var strategy = DeploymentStrategies.Of(definitions).Name;
        Console.WriteLine(policy.ToJson());
        var sids = policy.Statements.Select(s => s.Sid).ToList();
        CollectionAssert.AllItemsAreUnique(sids, $"{strategy}: IAM wants the Sids of a policy unique");
        Assert.IsTrue(sids.TrueForAll(s => s.All(char.IsAsciiLetterOrDigit)), $"{strategy}: Sids are letters and digits");
        await EnforceAsync(env, JsonNode.Parse(policy.ToJson())!);

        var created = await DeployAsync(env, first);
        Assert.IsNull(created.Failure, $"{strategy}, first deployment: {created.Failure?.Message}");
        Assert.AreEqual("succeeded", created.Result.Status, strategy);
        var second = await secondStep();
        var changed = await DeployAsync(env, second);
        Assert.IsNull(changed.Failure, $"{strategy}, second deployment: {changed.Failure?.Message}");
        Assert.AreEqual("succeeded", changed.Result.Status, strategy);
        var status = await StatusAsync(env, second);
        DeploymentReport? failed = null;
        if (failingStep is not null)
        {
            failed = await DeployAsync(env, failingStep());
            Assert.IsNotNull(failed.Failure, $"{strategy}: the failing revision failed the build");
        }

        var usage = await UsageAsync(env);
        var denials = usage["requests"]!.AsArray().Where(r => (int)r!["denied"]! > 0).Select(r => $"{r!["action"]} on {r["resource"]}").ToList();
        Assert.AreEqual(0, denials.Count, $"{strategy} called what its policy does not grant (add it to the strategy's IamStatements):\n" + string.Join("\n", denials) + "\n" + failed?.Failure?.Message);
        // Failure-only statements are proven by the failing step; statements for a change of one property by a proof that
        // changes it; those for what a deployment finds (a missing cluster or role, scaling set up outside the project) by
        // a proof that sets it up (UnusedStatements).
        var failureOnly = policy.Statements.Where(s => s.OnlyOnFailure || s.OnlyWhenChanging is not null || s.OnlyWhenFound is not null).Select(s => s.Sid).ToHashSet(StringComparer.Ordinal);
        var excess = usage["unused"]![AccessKey]!.AsArray()
            .Where(u => !failureOnly.Contains((string)u!["statement"]!))
            .Select(u => $"{u!["statement"]}: {u["action"]}")
            .ToList();
        Assert.AreEqual(0, excess.Count, $"{strategy}: allowed but never used:\n" + string.Join("\n", excess) + "\n" + policy.ToJson());
        return new Proof(policy, created, changed, failed, status, usage);
    }

    /// <summary>What a proof ran: the policy, the reports of its deployments, the status lines and the recorded usage.</summary>
    internal sealed record Proof(IamPolicyDocument Policy, DeploymentReport Created, DeploymentReport Changed, DeploymentReport? Failed, IReadOnlyList<string> Status, JsonNode Usage)
    {
        /// <summary>The statements (Sids) of which some action went unused.</summary>
        public IReadOnlySet<string> UnusedStatements =>
            Usage["unused"]![AccessKey]!.AsArray().Select(u => (string)u!["statement"]!).ToHashSet(StringComparer.Ordinal);

        /// <summary>The Sids of the statements a deployment calls only when it finds <paramref name="finding"/>.</summary>
        public IReadOnlyList<string> StatementsFor(LiveFinding finding) => [.. Policy.Statements.Where(s => s.OnlyWhenFound == finding).Select(s => s.Sid)];

        /// <summary>The actions the CI principal was allowed, distinct.</summary>
        public IReadOnlySet<string> AllowedActions =>
            Usage["requests"]!.AsArray().Where(r => (int)r!["allowed"]! > 0).Select(r => (string)r!["action"]!).ToHashSet(StringComparer.Ordinal);
    }

    private static AwsSession Session(LocalEcsHarness env) => new(new AwsClientFactory(new AwsConnectionSettings
    {
        Region = "us-east-1",
        EndpointUrl = env.Endpoint,
        Credentials = new BasicAWSCredentials(AccessKey, "proof"),
        MaxErrorRetry = 0,
    }));

    /// <summary>
    /// Deletes the account's <c>ecsTaskExecutionRole</c> that LocalEcs starts with, as the account of a newcomer may not
    /// have it (our client has no DeleteRole: the build never deletes roles).
    /// </summary>
    public static async Task DeleteDefaultExecutionRoleAsync(LocalEcsHarness env)
    {
        using var http = new HttpClient();
        foreach (var form in new[]
        {
            $"Action=DetachRolePolicy&Version=2010-05-08&RoleName=ecsTaskExecutionRole&PolicyArn={Uri.EscapeDataString("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")}",
            "Action=DeleteRolePolicy&Version=2010-05-08&RoleName=ecsTaskExecutionRole&PolicyName=quick-start-secret",
            "Action=DeleteRole&Version=2010-05-08&RoleName=ecsTaskExecutionRole",
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, env.Endpoint + "/") { Content = new StringContent(form) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(request);
            Assert.IsTrue(response.IsSuccessStatusCode, $"{form}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
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
