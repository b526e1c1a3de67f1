using YamlDotNet.RepresentationModel;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// samples/ci/github-actions.yml and samples/ci/gitlab-ci.yml (issue 14, item 7): valid YAML that plans every
/// environment on pull (merge) requests without credentials and deploys main, Staging then Production, with OIDC
/// credentials, one deployment per environment at a time.
/// </summary>
[TestClass]
public sealed class CiSampleTests
{
    [TestMethod]
    public void The_GitHub_Actions_sample_plans_pull_requests_without_credentials_and_deploys_main_with_OIDC()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Path.Combine(Repository.Root, "samples", "ci", "github-actions.yml"))))
        {
            yaml.Load(reader);
        }

        var workflow = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var triggers = Map(workflow, "on");
        CollectionAssert.AreEqual(new[] { "main" }, Strings(Map(triggers, "pull_request"), "branches"));
        CollectionAssert.AreEqual(new[] { "main" }, Strings(Map(triggers, "push"), "branches"));
        var jobs = Map(workflow, "jobs");
        CollectionAssert.AreEquivalent(new[] { "plan", "deploy-staging", "deploy-production" }, jobs.Children.Keys.Select(k => k.ToString()).ToArray());

        var plan = Map(jobs, "plan");
        StringAssert.Contains(Scalar(plan, "if"), "github.event_name == 'pull_request'");
        CollectionAssert.AreEqual(new[] { "Staging", "Production" }, Strings(Map(Map(plan, "strategy"), "matrix"), "environment"));
        var planRun = Runs(plan).Single();
        StringAssert.Contains(planRun, "-p:EcsDryRun=true");
        StringAssert.Contains(planRun, "-p:PublishProfile=${{ matrix.environment }}");
        Assert.IsFalse(Uses(plan).Any(u => u.StartsWith("aws-actions/configure-aws-credentials", StringComparison.Ordinal)), "a dry run needs no credentials");
        Assert.IsFalse(Map(workflow, "permissions").Children.ContainsKey(new YamlScalarNode("id-token")), "only the deploy jobs get an id token");

        StringAssert.Contains(Scalar(Map(jobs, "deploy-staging"), "if"), "github.ref == 'refs/heads/main'");
        Assert.AreEqual("deploy-staging", Scalar(Map(jobs, "deploy-production"), "needs"), "Production after Staging");
        foreach (var (job, profile) in new[] { ("deploy-staging", "Staging"), ("deploy-production", "Production") })
        {
            var deploy = Map(jobs, job);
            Assert.AreEqual("write", Scalar(Map(deploy, "permissions"), "id-token"), $"{job}: OIDC needs an id token");
            Assert.AreEqual("false", Scalar(Map(deploy, "concurrency"), "cancel-in-progress"), $"{job}: never cancels a deployment in flight");
            var credentials = Steps(deploy).Single(s => Scalar(s, "uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
            Assert.IsNotNull(Scalar(Map(credentials, "with"), "role-to-assume"), $"{job}: assumes a role, stores no key");
            var step = Steps(deploy).Single(s => Scalar(s, "id") == "deploy");
            StringAssert.Contains(Scalar(step, "run"), $"-p:PublishProfile={profile} -p:EcsDeploy=true");
            Assert.IsFalse(Scalar(step, "run")!.Contains("EcsDryRun", StringComparison.Ordinal), job);
        }

        StringAssert.Contains(Scalar(Map(Map(jobs, "deploy-staging"), "outputs"), "task-definition-arn"), "steps.deploy.outputs.task-definition-arn", "the step outputs the package writes to GITHUB_OUTPUT");
    }

    [TestMethod]
    public void The_GitLab_sample_plans_merge_requests_without_credentials_and_deploys_main_with_an_OIDC_token_one_pipeline_at_a_time()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Path.Combine(Repository.Root, "samples", "ci", "gitlab-ci.yml"))))
        {
            yaml.Load(reader);
        }

        var pipeline = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var plan = Map(pipeline, "plan");
        StringAssert.Contains(Rules(plan).Single(), "merge_request_event");
        var matrix = (YamlMappingNode)((YamlSequenceNode)Map(plan, "parallel").Children[new YamlScalarNode("matrix")]).Children.Single();
        CollectionAssert.AreEqual(new[] { "Staging", "Production" }, Strings(matrix, "ENVIRONMENT"));
        var planScript = Strings(plan, "script").Single();
        StringAssert.Contains(planScript, "-p:PublishProfile=$ENVIRONMENT -p:EcsDeploy=true -p:EcsDryRun=true");
        Assert.IsFalse(plan.Children.ContainsKey(new YamlScalarNode("id_tokens")), "a dry run needs no credentials");

        var template = Map(pipeline, ".deploy");
        StringAssert.Contains(Rules(template).Single(), "$CI_COMMIT_BRANCH == \"main\"");
        Assert.AreEqual("sts.amazonaws.com", Scalar(Map(Map(template, "id_tokens"), "AWS_ID_TOKEN"), "aud"), "an OIDC token for STS, no stored key");
        StringAssert.Contains(string.Join("\n", Strings(template, "before_script")), "AWS_WEB_IDENTITY_TOKEN_FILE");
        foreach (var (job, profile) in new[] { ("deploy-staging", "Staging"), ("deploy-production", "Production") })
        {
            var deploy = Map(pipeline, job);
            Assert.AreEqual(".deploy", Scalar(deploy, "extends"), job);
            Assert.IsNotNull(Scalar(deploy, "resource_group"), $"{job}: one deployment of an environment at a time");
            StringAssert.StartsWith(Scalar(Map(deploy, "variables"), "AWS_ROLE_ARN"), "$AWS_DEPLOY_ROLE_ARN_", $"{job}: assumes a role");
            var script = Strings(deploy, "script").Single();
            StringAssert.Contains(script, $"-p:PublishProfile={profile} -p:EcsDeploy=true");
            Assert.IsFalse(script.Contains("EcsDryRun", StringComparison.Ordinal), job);
        }

        CollectionAssert.AreEqual(new[] { "deploy-staging" }, Strings(Map(pipeline, "deploy-production"), "needs"), "Production after Staging");
    }

    private static IEnumerable<string> Rules(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>().Select(r => Scalar(r, "if")).OfType<string>();

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map ? map : throw new AssertFailedException($"no mapping '{key}' in the workflow");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    private static string[] Strings(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode list ? [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>();

    private static IEnumerable<string> Runs(YamlMappingNode job) => Steps(job).Select(s => Scalar(s, "run")).OfType<string>();

    private static IEnumerable<string> Uses(YamlMappingNode job) => Steps(job).Select(s => Scalar(s, "uses")).OfType<string>();
}
