using Amazon.EC2.Model;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;
using Filter = Amazon.EC2.Model.Filter;

namespace EcsBuildTasks.Core.Tests;

/// <summary>An in-process LocalEcs and the engine's view of it: clients, sessions and projects that deploy there.</summary>
internal sealed class LocalEcsSession : IAsyncDisposable
{
    private LocalEcsSession(LocalEcsServer server, IReadOnlyList<string> subnets, string securityGroup)
    {
        Server = server;
        Subnets = subnets;
        SecurityGroup = securityGroup;
        Clients = new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = Endpoint, Credentials = new BasicAWSCredentials("test", "test") });
    }

    public LocalEcsServer Server { get; }

    public string Endpoint => Server.BaseUrl.ToString().TrimEnd('/');

    public AwsClientFactory Clients { get; }

    public IReadOnlyList<string> Subnets { get; }

    public string SecurityGroup { get; }

    public static async Task<LocalEcsSession> StartAsync(double timeScale)
    {
        var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = timeScale });
        var clients = new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = server.BaseUrl.ToString(), Credentials = new BasicAWSCredentials("test", "test") });
        using var ec2 = clients.CreateEc2();
        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("isDefault", ["true"])] })).Vpcs[0].VpcId;
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpc])] })).Subnets.Select(s => s.SubnetId).ToList();
        var group = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc]), new Filter("group-name", ["default"])] })).SecurityGroups[0].GroupId;
        using var ecs = (EcsBuildTasks.Aws.ECS.AmazonECSClient)clients.CreateEcs();
        await ecs.CreateClusterAsync(new EcsBuildTasks.Aws.ECS.Model.CreateClusterRequest { ClusterName = "prod" });
        return new LocalEcsSession(server, subnets, group);
    }

    /// <summary>A BlueGreen project wired to <paramref name="wiring"/>, deploying an image that needs no build to this LocalEcs.</summary>
    public SettingsInput BlueGreen(TrafficWiring wiring, string service) => TrafficShiftingConfigurationTests.BlueGreen()
        .Set("EcsDryRun", "false")
        .Set("EcsTarget", "local")
        .Set("EcsEndpointUrl", Endpoint)
        .Set("EcsServiceName", service)
        .Set("EcsImage", "public.ecr.aws/docker/library/nginx:1.27")
        .Set("EcsSubnets", string.Join(";", Subnets))
        .Set("EcsSecurityGroups", SecurityGroup)
        .Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn)
        .Set("EcsAlternateTargetGroupArn", wiring.GreenTargetGroupArn)
        .Set("EcsProductionListenerRuleArn", wiring.ProductionRuleArn)
        .Set("EcsTestListenerRuleArn", wiring.TestRuleArn);

    public static AwsSession Session(SettingsInput input) => new(new AwsClientFactory(AwsSession.ConnectionSettings(Generate(input).Settings)));

    public static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = DefinitionGenerator.Generate(input, diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
