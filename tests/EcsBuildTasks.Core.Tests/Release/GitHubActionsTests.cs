using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Results;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Release;

/// <summary>
/// What a GitHub Actions workflow gets from a deployment (issue 14, item 7): step outputs per service, the step summary,
/// and errors as annotations on the project file.
/// </summary>
[TestClass]
public sealed class GitHubActionsTests
{
    [TestMethod]
    public async Task A_deployment_writes_its_outputs_per_service_and_its_step_summary()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var report = await env.DeployAsync((await env.ProjectAsync("orders-api")).Set("PublishProfileName", "Staging"));
        Assert.IsNull(report.Failure, report.Failure?.Message);
        var directory = Directory.CreateTempSubdirectory("ecs-github-").FullName;
        try
        {
            var (outputs, summary) = (Path.Combine(directory, "output"), Path.Combine(directory, "summary.md"));
            var github = new GitHubActions(name => name switch { "GITHUB_OUTPUT" => outputs, "GITHUB_STEP_SUMMARY" => summary, _ => null });

            github.WriteOutputs(report.Result);
            github.WriteStepSummary(report.Result.Markdown());

            var lines = File.ReadAllLines(outputs).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.AreEqual("succeeded", lines["orders-api-outcome"]);
            Assert.AreEqual(report.Result.TaskDefinitionArn, lines["orders-api-task-definition-arn"]);
            StringAssert.EndsWith(lines["orders-api-task-definition-arn"], "task-definition/orders-api:1");
            Assert.AreEqual(report.Result.ServiceArn, lines["orders-api-service-arn"]);
            StringAssert.Contains(lines["orders-api-service-arn"], ":service/orders-api/orders-api");
            Assert.AreEqual(report.Result.Image, lines["orders-api-image"]);
            Assert.AreEqual("Staging", lines["orders-api-environment"]);
            Assert.AreEqual("succeeded", lines["outcome"], "one-project workflows read the names without prefix");
            var markdown = File.ReadAllText(summary);
            StringAssert.StartsWith(markdown, "### ECS deployment of `orders-api` to Staging: deployed: the new revision is serving");
            StringAssert.Contains(markdown, "| Cluster | `orders-api` (us-east-1) |");
            StringAssert.Contains(markdown, "| Task definition | `orders-api:1` (new) |");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Without_the_variables_nothing_is_written_and_errors_become_annotations_only_on_GitHub_Actions()
    {
        var outside = new GitHubActions(_ => null);
        Assert.IsFalse(outside.IsRunning);
        Assert.IsNull(outside.WriteStepSummary("x"));

        var github = new GitHubActions(name => name switch { "GITHUB_ACTIONS" => "true", "GITHUB_WORKSPACE" => "/srv/checkout/shop", _ => null });
        var error = new EcsDiagnostic(DiagnosticCodes.DeploymentInFlight, DiagnosticSeverity.Error, "EcsConcurrentDeployment", "Another deployment: 100% busy,\nsee below");

        Assert.IsTrue(github.IsRunning);
        Assert.AreEqual(
            "::error file=src/Api/Api.csproj,title=ECS7000 (EcsConcurrentDeployment)::ECS7000: Another deployment: 100%25 busy,%0Asee below",
            github.Annotation(error, "/srv/checkout/shop/src/Api/Api.csproj"));
        StringAssert.StartsWith(github.Annotation(error with { Severity = DiagnosticSeverity.Warning }, null), "::warning title=ECS7000");
    }
}
