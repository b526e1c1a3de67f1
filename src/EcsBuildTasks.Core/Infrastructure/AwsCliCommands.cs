using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// The <c>aws …</c> commands the build prints for the user (to check, follow, recover) point where the build deployed:
/// with a custom endpoint (LocalEcs, moto, a VPC endpoint) every such command gets <c>--endpoint-url</c> and
/// <c>--region</c>, so that copying it does not reach into the real AWS account of the user's default profile. Applied
/// where the engine's words leave it (the deployer's log and errors, the MSBuild tasks' messages), so a command written
/// anywhere in the engine, now or later, is covered. Idempotent: a pointed command is left as it is.
/// </summary>
internal sealed partial class AwsCliCommands(string? endpointUrl, string? region)
{
    /// <summary>Commands that need nothing added (the default AWS endpoints).</summary>
    public static AwsCliCommands Unchanged { get; } = new(null, null);

    public string? EndpointUrl { get; } = endpointUrl;

    /// <summary>The global options every printed command gets, or empty.</summary>
    public string GlobalOptions => EndpointUrl is null ? string.Empty : $"--endpoint-url {EndpointUrl}{(string.IsNullOrEmpty(region) ? string.Empty : $" --region {region}")}";

    /// <summary>The commands of a session: its endpoint override and region, when it has one.</summary>
    public static AwsCliCommands For(AwsSession aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var settings = aws.Factory.Settings;
        return settings.EndpointUrl is { } url ? new AwsCliCommands(url.TrimEnd('/'), settings.Region) : Unchanged;
    }

    /// <summary><paramref name="text"/> with every <c>aws &lt;service&gt; &lt;command&gt;</c> in it pointed at the endpoint.</summary>
    public string Point(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EndpointUrl is null ? text : Command().Replace(text, match => $"{match.Groups["aws"].Value} {GlobalOptions} {match.Groups["service"].Value} ");
    }

    public EcsDiagnostic Point(EcsDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return EndpointUrl is null ? diagnostic : diagnostic with { Message = Point(diagnostic.Message) };
    }

    public DeploymentException Point(DeploymentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return EndpointUrl is null || exception.Diagnostics.Count == 0 ? exception : new DeploymentException([.. exception.Diagnostics.Select(Point)], exception.InnerException);
    }

    /// <summary>A log that points every line it passes on.</summary>
    public IDeploymentLog Pointing(IDeploymentLog log) => EndpointUrl is null || log is PointingLog ? log : new PointingLog(log, this);

    // The AWS CLI's global options may come before the service: "aws --endpoint-url URL --region R ecs describe-services ...".
    [GeneratedRegex(@"(?<aws>(?<![\w/.-])aws) (?<service>ecs|ecr|elbv2|iam|logs|cloudwatch|servicediscovery|application-autoscaling|route53|secretsmanager|ssm|sts|ec2|lambda) (?=[a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex Command();

    private sealed class PointingLog(IDeploymentLog inner, AwsCliCommands commands) : IDeploymentLog
    {
        public void Info(string message) => inner.Info(commands.Point(message));

        public void Detail(string message) => inner.Detail(commands.Point(message));

        public void Warning(EcsDiagnostic diagnostic) => inner.Warning(commands.Point(diagnostic));

        // Not lines, but the live display's (the interface's defaults would drop them against every custom endpoint).
        public void Progress(DeploymentProgress progress) => inner.Progress(progress);

        public void ProgressDone() => inner.ProgressDone();
    }
}
