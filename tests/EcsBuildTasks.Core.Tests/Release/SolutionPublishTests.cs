using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.Solution;

namespace EcsBuildTasks.Core.Tests.Release;

/// <summary>
/// A solution publish (issue 14, items 1-2): the checks each project runs against the others before anything changes
/// (ECS7005 a dependency that does not deploy, ECS7006 a cycle, ECS7007 two projects on one service), what it waits
/// for, which project combines the results, and the combined result (the failed ones first, stale files ignored).
/// </summary>
[TestClass]
public sealed class SolutionPublishTests
{
    private string folder = null!;

    [TestInitialize]
    public void CreateSolutionFolder() => folder = Directory.CreateTempSubdirectory("ecs-solution-").FullName;

    [TestCleanup]
    public void DeleteSolutionFolder() => Directory.Delete(folder, recursive: true);

    [TestMethod]
    public void A_project_waits_for_the_projects_it_deploys_after_and_the_last_project_nothing_deploys_after_combines()
    {
        var api = Project("Api", "api");
        var worker = Project("Worker", "worker", deployAfter: [api]);
        var web = Project("Web", "web");
        var plan = new SolutionPlan([api, worker, web], [api.ProjectFile, worker.ProjectFile, web.ProjectFile, Path.Combine(folder, "Lib", "Lib.csproj")]);

        var workerCheck = Check(plan, worker);
        var apiCheck = Check(plan, api);
        var webCheck = Check(plan, web);

        CollectionAssert.AreEqual(new[] { api.ProjectFile }, workerCheck.AwaitFirst.Select(p => p.ProjectFile).ToArray());
        Assert.IsEmpty(apiCheck.AwaitFirst);
        Assert.IsTrue(workerCheck.CombinesResults, "Worker is the last (by path) of the projects nothing deploys after");
        Assert.IsFalse(webCheck.CombinesResults);
        Assert.IsFalse(apiCheck.CombinesResults, "Worker deploys after Api: Api must never wait for the others");
        Assert.HasCount(3, workerCheck.Deployments);
    }

    [TestMethod]
    public void A_project_another_project_references_never_combines_its_build_runs_inside_the_others()
    {
        var api = Project("Api", "api");
        var web = Project("Web", "web");
        var worker = Project("Worker", "worker") with { References = [Path.Combine(folder, "Lib", "Lib.csproj")] };
        var plan = new SolutionPlan([api, worker, web], [api.ProjectFile, worker.ProjectFile, web.ProjectFile]);
        Assert.IsTrue(Check(plan, worker).CombinesResults, "the last by path, referenced by nobody");

        var webReferencesWorker = new SolutionPlan([api, worker, web with { References = [worker.ProjectFile] }], [api.ProjectFile, worker.ProjectFile, web.ProjectFile]);

        Assert.IsFalse(Check(webReferencesWorker, worker).CombinesResults, "Web's build builds Worker: a failed Worker combining would wait for Web");
        Assert.IsTrue(Check(webReferencesWorker, web).CombinesResults);
        Assert.IsFalse(Check(webReferencesWorker, api).CombinesResults);
    }

    [TestMethod]
    public void The_first_error_of_the_compilers_SARIF_log_reads_as_the_compiler_prints_it()
    {
        var log = Path.Combine(folder, "errors.sarif");
        var source = new Uri(Path.Combine(folder, "Api", "Broken.cs")).AbsoluteUri;
        File.WriteAllText(log, $$"""
            {
              "$schema": "http://json.schemastore.org/sarif-2.1.0",
              "version": "2.1.0",
              "runs": [{
                "results": [
                  { "ruleId": "CS0168", "level": "warning", "message": { "text": "The variable 'x' is declared but never used" },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "{{source}}" }, "region": { "startLine": 2, "startColumn": 9 } } }] },
                  { "ruleId": "CS1002", "level": "error", "message": { "text": "; expected" },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "{{source}}" }, "region": { "startLine": 3, "startColumn": 14 } } }] },
                  { "ruleId": "CS0103", "level": "error", "message": { "text": "The name 'y' does not exist in the current context" } }
                ]
              }]
            }
            """);

        Assert.AreEqual("Broken.cs(3,14): error CS1002: ; expected", CompilerErrorLog.FirstError(log, Path.Combine(folder, "Api")));
        Assert.IsNull(CompilerErrorLog.FirstError(Path.Combine(folder, "none.sarif"), folder), "no log: the build failed before compiling");
        File.WriteAllText(log, "{ \"runs\": [{ \"results\": [");
        Assert.IsNull(CompilerErrorLog.FirstError(log, folder), "a log cut short");
    }

    [TestMethod]
    public void A_dependency_outside_the_publish_is_not_waited_for()
    {
        var api = Project("Api", "api");
        var worker = Project("Worker", "worker", deployAfter: [api]);
        var plan = new SolutionPlan([api, worker], [worker.ProjectFile]);

        var check = Check(plan, worker);

        Assert.IsEmpty(check.AwaitFirst);
        Assert.AreEqual(api.ProjectFile, check.NotInThisPublish.Single().ProjectFile);
    }

    [TestMethod]
    public void A_dependency_on_a_project_that_does_not_deploy_is_ECS7005_naming_the_item()
    {
        var api = Project("Api", "api") with { Deploys = false };
        var lib = Path.Combine(folder, "Lib", "Lib.csproj");
        Touch(lib);
        var missing = Path.Combine(folder, "Gone", "Gone.csproj");
        var worker = Project("Worker", "worker", deployAfter: [api]) with { DeployAfter = [api.ProjectFile, lib, missing] };
        var plan = new SolutionPlan([api, worker], [api.ProjectFile, worker.ProjectFile, lib]);
        var diagnostics = new DiagnosticCollection();

        plan.Check(worker.ProjectFile, diagnostics);

        var errors = diagnostics.Where(d => d.IsError).ToList();
        Assert.HasCount(3, errors, string.Join("\n", errors));
        Assert.IsTrue(errors.All(e => e.Code == "ECS7005" && e.Subject == "EcsDeployAfter"));
        StringAssert.Contains(errors[0].Message, "<EcsDeployAfter Include=\"" + Path.Combine("..", "Api", "Api.csproj") + "\" />");
        StringAssert.Contains(errors[0].Message, "Api does not deploy in this publish");
        StringAssert.Contains(errors[1].Message, "Lib.csproj does not use EcsBuildTasks");
        StringAssert.Contains(errors[2].Message, "there is no project file");
    }

    [TestMethod]
    public void A_cycle_of_EcsDeployAfter_items_is_ECS7006_naming_the_cycle_in_every_project_on_it()
    {
        var apiFile = Path.Combine(folder, "Api", "Api.csproj");
        var workerFile = Path.Combine(folder, "Worker", "Worker.csproj");
        var jobsFile = Path.Combine(folder, "Jobs", "Jobs.csproj");
        var api = Project("Api", "api", deployAfter: [jobsFile]);
        var worker = Project("Worker", "worker", deployAfter: [apiFile]);
        var jobs = Project("Jobs", "jobs", deployAfter: [workerFile]);
        var plan = new SolutionPlan([api, worker, jobs], [apiFile, workerFile, jobsFile]);

        foreach (var project in new[] { api, worker, jobs })
        {
            var diagnostics = new DiagnosticCollection();
            plan.Check(project.ProjectFile, diagnostics);
            var error = diagnostics.Single(d => d.IsError);
            Assert.AreEqual("ECS7006", error.Code);
            StringAssert.Contains(error.Message, $"{project.Name} → ");
            StringAssert.Contains(error.Message, $" → {project.Name}.");
        }
    }

    [TestMethod]
    public void A_project_deploying_after_itself_is_ECS7006()
    {
        var apiFile = Path.Combine(folder, "Api", "Api.csproj");
        var api = Project("Api", "api", deployAfter: [apiFile]);
        var diagnostics = new DiagnosticCollection();

        new SolutionPlan([api], [apiFile]).Check(apiFile, diagnostics);

        Assert.AreEqual("ECS7006", diagnostics.Single().Code);
        StringAssert.Contains(diagnostics.Single().Message, "cannot deploy after itself");
    }

    [TestMethod]
    public void Two_projects_deploying_one_service_in_one_cluster_is_ECS7007_in_both_but_other_clusters_are_fine()
    {
        var api = Project("Api", "orders");
        var copy = Project("ApiCopy", "orders");
        var elsewhere = Project("Elsewhere", "orders") with { Cluster = "other" };
        var plan = new SolutionPlan([api, copy, elsewhere], [api.ProjectFile, copy.ProjectFile, elsewhere.ProjectFile]);

        foreach (var (project, other) in new[] { (api, copy), (copy, api) })
        {
            var diagnostics = new DiagnosticCollection();
            plan.Check(project.ProjectFile, diagnostics);
            var error = diagnostics.Single();
            Assert.AreEqual("ECS7007", error.Code);
            Assert.AreEqual("EcsServiceName", error.Subject);
            StringAssert.Contains(error.Message, $"{project.Name} and {other.Name}");
            StringAssert.Contains(error.Message, "service orders in cluster shop");
        }

        var fine = new DiagnosticCollection();
        plan.Check(elsewhere.ProjectFile, fine);
        Assert.IsEmpty(fine);
    }

    [TestMethod]
    public void The_combined_result_lists_every_service_the_failed_ones_first_and_ignores_a_result_file_of_an_earlier_publish()
    {
        var describedAt = DateTimeOffset.UtcNow;
        var api = Project("Api", "api") with { DescribedAt = describedAt };
        var worker = Project("Worker", "worker") with { DescribedAt = describedAt };
        var web = Project("Web", "web") with { DescribedAt = describedAt };
        var stale = Project("Stale", "stale") with { DescribedAt = describedAt };
        WriteResult(api, "succeeded", "sha256:" + new string('a', 64));
        WriteResult(worker, "skipped", null, reason: "Api failed");
        WriteResult(stale, "succeeded", "sha256:" + new string('b', 64));
        File.SetLastWriteTimeUtc(stale.ResultFile!, DateTime.UtcNow.AddHours(-1));

        var combined = CombinedDeployments.From(Path.Combine(folder, "Shop.sln"), [(api, true), (worker, false), (web, false), (stale, false)]);

        Assert.AreEqual("failed", combined.Status);
        Assert.AreEqual(1, combined.Succeeded);
        CollectionAssert.AreEqual(new[] { "stale", "web", "worker", "api" }, combined.Deployments.Select(d => d.Service).ToArray(), "failed first");
        Assert.AreEqual("not-deployed", combined.Deployments[0].Status, "an earlier publish's result is not this one's");
        Assert.AreEqual("skipped", combined.Deployments[2].Status);
        Assert.AreEqual("api:3", combined.Deployments[3].Revision);
        Assert.AreEqual("Api/Api.csproj", combined.Deployments[3].Project);
        var lines = combined.SummaryLines();
        StringAssert.StartsWith(lines[0], "EcsBuildTasks: Shop.sln: 4 services, 1 deployed, 3 failed");
        StringAssert.Contains(lines[2], "NOT-DEPLOYED");
        StringAssert.Contains(lines[5], "sha256:aaaaaaaaaaa");
        StringAssert.Contains(string.Join("\n", lines), "worker: Api failed");

        var file = Path.Combine(folder, "ecs-deployments.json");
        combined.WriteJson(file);
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.AreEqual("failed", (string?)json["status"]);
        Assert.AreEqual(4, json["deployments"]!.AsArray().Count);
        StringAssert.Contains(combined.Markdown(), "| SKIPPED | `worker` |");
    }

    private SolutionProject Project(string name, string service, IReadOnlyList<object>? deployAfter = null)
    {
        var file = Path.Combine(folder, name, name + ".csproj");
        Touch(file);
        return new SolutionProject
        {
            ProjectFile = file,
            Deploys = true,
            Service = service,
            Cluster = "shop",
            ResultFile = Path.Combine(folder, name, "bin", "ecs-deployment.json"),
            DeployAfter = [.. (deployAfter ?? []).Select(d => d is SolutionProject p ? p.ProjectFile : (string)d)],
        };
    }

    private static SolutionCheck Check(SolutionPlan plan, SolutionProject project)
    {
        var diagnostics = new DiagnosticCollection();
        var check = plan.Check(project.ProjectFile, diagnostics);
        Assert.IsEmpty(diagnostics, string.Join("\n", diagnostics));
        return check;
    }

    private static void WriteResult(SolutionProject project, string status, string? digest, string? reason = null) =>
        new DeploymentResult
        {
            Status = status,
            Service = project.Service!,
            Cluster = project.Cluster!,
            ImageDigest = digest,
            TaskDefinitionArn = digest is null ? null : $"arn:aws:ecs:us-east-1:123456789012:task-definition/{project.Service}:3",
            StatusReason = reason,
            DeploySeconds = 4.2,
        }.WriteJson(project.ResultFile!);

    private static void Touch(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "<Project />");
    }
}
