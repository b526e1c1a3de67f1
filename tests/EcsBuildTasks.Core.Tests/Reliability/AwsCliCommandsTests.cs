using System.Net;
using Amazon.Runtime;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Reliability;

/// <summary>
/// Printed <c>aws …</c> commands point where the build deployed (issue 16, item 2), and the classification of faults the
/// engine rides out (item 1).
/// </summary>
[TestClass]
public sealed class AwsCliCommandsTests
{
    private static readonly AwsCliCommands Local = new("http://localhost:4599", "eu-west-1");

    [TestMethod]
    public void Every_command_in_a_message_gets_the_endpoint_and_region_once()
    {
        var message = "Check it with aws ecs describe-services --cluster c --services s. Or: aws elbv2 modify-rule --rule-arn r --actions Type=forward; aws ecs stop-service-deployment --service-deployment-arn a";

        var pointed = Local.Point(message);

        Assert.AreEqual(
            "Check it with aws --endpoint-url http://localhost:4599 --region eu-west-1 ecs describe-services --cluster c --services s. Or: aws --endpoint-url http://localhost:4599 --region eu-west-1 elbv2 modify-rule --rule-arn r --actions Type=forward; aws --endpoint-url http://localhost:4599 --region eu-west-1 ecs stop-service-deployment --service-deployment-arn a",
            pointed);
        Assert.AreEqual(pointed, Local.Point(pointed), "pointing twice changes nothing");
    }

    [TestMethod]
    public void The_pointing_log_passes_the_live_progress_on()
    {
        var inner = new RecordingDeploymentLog();
        var progress = new DeploymentProgress("web", "BAKE_TIME", DateTimeOffset.UnixEpoch) { Running = 1, Desired = 1 };

        Local.Pointing(inner).Progress(progress);

        Assert.AreSame(progress, inner.ProgressUpdates.Single(), "the terminal's live line is fed through the pointing log when the build uses an endpoint (LocalEcs)");
    }

    [TestMethod]
    public void Without_an_endpoint_override_and_outside_commands_nothing_changes()
    {
        const string message = "aws ecs describe-services --cluster c --services s";

        Assert.AreEqual(message, AwsCliCommands.Unchanged.Point(message));
        const string notCommands = "myaws ecs x; s3://aws ecs list; docs.aws ecs y; aws ecs-like; aws s3 ls";
        Assert.AreEqual(notCommands, Local.Point(notCommands));
    }

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task A_pointed_command_runs_against_the_endpoint_the_build_used()
    {
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var commands = new AwsCliCommands(server.BaseUrl.ToString().TrimEnd('/'), "us-east-1");

        var command = commands.Point("aws ecs list-clusters");
        var arguments = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var result = ProcessRunner.Run("aws", arguments, environment: AwsCli.Environment(), timeout: TimeSpan.FromMinutes(2));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.StandardOutput, "clusterArns");
    }

    [TestMethod]
    public void Throttling_5xx_and_lost_connections_are_transient_an_unimplemented_operation_and_a_client_error_are_not()
    {
        Assert.AreEqual(TransientFault.Throttled, TransientFaultPolicy.Classify(new AmazonServiceException("Rate exceeded") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.AreEqual(TransientFault.Throttled, TransientFaultPolicy.Classify(new AmazonServiceException("slow down") { StatusCode = HttpStatusCode.TooManyRequests }));
        Assert.AreEqual(TransientFault.ServerError, TransientFaultPolicy.Classify(new AmazonServiceException("Service unavailable") { ErrorCode = "ServerException", StatusCode = HttpStatusCode.InternalServerError }));
        Assert.AreEqual(TransientFault.ServerError, TransientFaultPolicy.Classify(new DeploymentException("wrapped", new AmazonServiceException("x") { ErrorCode = "ServiceUnavailable", StatusCode = HttpStatusCode.ServiceUnavailable })));
        Assert.AreEqual(TransientFault.ConnectionLost, TransientFaultPolicy.Classify(new HttpRequestException("connection reset", new IOException("reset"))));
        Assert.AreEqual(TransientFault.ConnectionLost, TransientFaultPolicy.Classify(new TaskCanceledException("timeout", new TimeoutException())));

        Assert.IsNull(TransientFaultPolicy.Classify(new AmazonServiceException("moto's HTML page") { StatusCode = HttpStatusCode.InternalServerError }), "moto's answer for an operation it lacks");
        Assert.IsNull(TransientFaultPolicy.Classify(new AmazonServiceException("x") { ErrorCode = "UnknownOperationException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.IsNull(TransientFaultPolicy.Classify(new AmazonServiceException("bad") { ErrorCode = "InvalidParameterException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.IsNull(TransientFaultPolicy.Classify(new OperationCanceledException()));
        Assert.IsTrue(AwsCalls.IsUnsupportedOperation(new AmazonServiceException("moto") { StatusCode = HttpStatusCode.InternalServerError }));
        Assert.IsFalse(AwsCalls.IsUnsupportedOperation(new AmazonServiceException("x") { ErrorCode = "ServerException", StatusCode = HttpStatusCode.InternalServerError }), "a 5xx burst is not a missing API");
    }
}
