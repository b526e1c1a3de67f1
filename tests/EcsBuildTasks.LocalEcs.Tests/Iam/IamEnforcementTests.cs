using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>LocalEcs authorising every request against IAM policies, with each service's own access-denied error.</summary>
[TestClass]
public sealed class IamEnforcementTests
{
    private const string Account = "123456789012";
    private const string User = "arn:aws:iam::123456789012:user/localecs";

    /// <summary>A deployer limited to one cluster and the roles it may pass to ECS tasks.</summary>
    private const string Deployer = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Network", "Effect": "Allow", "Action": ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], "Resource": "*"},
          {"Sid": "Clusters", "Effect": "Allow", "Action": ["ecs:CreateCluster", "ecs:DescribeClusters"], "Resource": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"},
          {"Sid": "TaskDefinitions", "Effect": "Allow", "Action": "ecs:RegisterTaskDefinition", "Resource": "*"},
          {"Sid": "Services", "Effect": "Allow", "Action": ["ecs:CreateService", "ecs:UpdateService", "ecs:DescribeServices"], "Resource": "*",
           "Condition": {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod"}}},
          {"Sid": "PassTaskRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
           "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
          {"Sid": "NeverDelete", "Effect": "Deny", "Action": "ecs:Delete*", "Resource": "*"},
          {"Sid": "Unused", "Effect": "Allow", "Action": ["ecs:ListClusters", "ecs:StopTask"], "Resource": "*"}]}
        """;

    [TestMethod]
    public async Task A_policy_allows_what_it_grants_and_each_service_denies_the_rest_with_AWSs_error_shape_and_message()
    {
        await using var local = await LiveLocalEcs.StartAsync(iamPolicy: Deployer);
        var aws = local.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var definition = await Scenario.FargateTaskDefinitionAsync(aws, "web", "public.ecr.aws/nginx/nginx:latest");
        JsonObject Service(string cluster) => new()
        {
            ["cluster"] = cluster,
            ["serviceName"] = "web",
            ["taskDefinition"] = definition,
            ["desiredCount"] = 1,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
        };
        await aws.EcsAsync("CreateService", Service("prod"));
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["desiredCount"] = 2 });

        var otherCluster = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "staging" }));
        Assert.AreEqual("AccessDeniedException", otherCluster.Code);
        Assert.AreEqual(HttpStatusCode.BadRequest, otherCluster.Status);
        Assert.AreEqual($"User: {User} is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:{Account}:cluster/staging because no identity-based policy allows the ecs:CreateCluster action", otherCluster.AwsMessage);

        var wrongCluster = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "default", ["service"] = "web", ["desiredCount"] = 0 }));
        StringAssert.Contains(wrongCluster.AwsMessage, $"ecs:UpdateService on resource: arn:aws:ecs:us-east-1:{Account}:service/default/web because", "the ecs:cluster condition limits services to prod");

        var denied = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("DeleteService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["force"] = true }));
        Assert.AreEqual($"User: {User} is not authorized to perform: ecs:DeleteService on resource: arn:aws:ecs:us-east-1:{Account}:service/prod/web with an explicit deny in an identity-based policy", denied.AwsMessage);

        var taskRole = new JsonObject
        {
            ["family"] = "worker",
            ["taskRoleArn"] = "arn:aws:iam::123456789012:role/admin",
            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "worker", ["image"] = "nginx", ["memory"] = 128 }),
        };
        var passRole = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("RegisterTaskDefinition", taskRole));
        Assert.AreEqual($"User: {User} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::{Account}:role/admin because no identity-based policy allows the iam:PassRole action", passRole.AwsMessage);

        var elb = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", Scenario.ElbVersion));
        Assert.AreEqual("AccessDenied", elb.Code);
        Assert.AreEqual(HttpStatusCode.Forbidden, elb.Status);
        StringAssert.Contains(elb.Body, "<ErrorResponse");
        StringAssert.Contains(elb.Body, "<Type>Sender</Type>");
        Assert.AreEqual($"User: {User} is not authorized to perform: elasticloadbalancing:DescribeTargetGroups on resource: * because no identity-based policy allows the elasticloadbalancing:DescribeTargetGroups action", elb.AwsMessage);

        var ec2 = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.QueryAsync("ec2", "DescribeVpcs", "2016-11-15"));
        Assert.AreEqual("UnauthorizedOperation", ec2.Code);
        Assert.AreEqual($"You are not authorized to perform this operation. User: {User} is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action", ec2.AwsMessage);
        StringAssert.Contains(ec2.Body, "<Response><Errors><Error>");

        var identity = await aws.QueryAsync("sts", "GetCallerIdentity", "2011-06-15");
        Assert.AreEqual(User, identity.Value("Arn"), "GetCallerIdentity needs no permission");

        var (status, body) = await aws.ControlAsync(HttpMethod.Get, "iam/usage");
        Assert.AreEqual(HttpStatusCode.OK, status);
        var usage = JsonNode.Parse(body)!;
        var requests = usage["requests"]!.AsArray().Select(r => r!).ToList();
        var update = requests.Single(r => r["action"]!.GetValue<string>() == "ecs:UpdateService" && r["resource"]!.GetValue<string>().EndsWith("service/prod/web", StringComparison.Ordinal));
        Assert.AreEqual(1, update["allowed"]!.GetValue<int>());
        Assert.AreEqual("iam-policy#Services", update["allowedBy"]![0]!.GetValue<string>());
        Assert.IsTrue(requests.Any(r => r["action"]!.GetValue<string>() == "iam:PassRole" && r["resource"]!.GetValue<string>() == Scenario.ExecutionRole && r["allowed"]!.GetValue<int>() == 1),
            "registering the task definition passed the execution role to ECS tasks");
        Assert.AreEqual(1, requests.Single(r => r["action"]!.GetValue<string>() == "ecs:DeleteService")["denied"]!.GetValue<int>());
        var unused = usage["unused"]!["default"]!.AsArray().Select(u => $"{u!["statement"]}:{u["action"]}").ToList();
        CollectionAssert.AreEquivalent(new[] { "Clusters:ecs:DescribeClusters", "Services:ecs:DescribeServices", "Unused:ecs:ListClusters", "Unused:ecs:StopTask" }, unused,
            "the report names exactly what the policy allows and nothing used: " + string.Join(", ", unused));
    }

    [TestMethod]
    public async Task Policies_set_per_access_key_through_the_control_API_apply_to_that_key_only_and_name_its_principal()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        using var ci = new AwsClient(local.Server.BaseUrl, accessKeyId: "AKIACIDEPLOYER000001");
        var (status, body) = await local.Aws.ControlAsync(HttpMethod.Post, "iam/policies", new JsonObject
        {
            ["accessKeyId"] = "AKIACIDEPLOYER000001",
            ["principalArn"] = "arn:aws:iam::123456789012:user/ci",
            ["policy"] = """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:CreateRepository", "ecr:InitiateLayerUpload", "ecr:DescribeRepositories"], "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]}""",
        });
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        Assert.IsTrue(JsonNode.Parse(body)!["enforcing"]!.GetValue<bool>());

        await local.Aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "anything" });
        await ci.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "shop" });
        Assert.AreEqual("arn:aws:iam::123456789012:user/ci", (await ci.QueryAsync("sts", "GetCallerIdentity", "2011-06-15")).Value("Arn"));
        var cluster = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => ci.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "anything" }));
        StringAssert.StartsWith(cluster.AwsMessage, "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:CreateCluster");
        using (var elsewhere = new AwsClient(local.Server.BaseUrl, "eu-west-1", "AKIACIDEPLOYER000001"))
        {
            var region = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => elsewhere.JsonAsync("ecr", "DescribeRepositories"));
            Assert.AreEqual("AccessDeniedException", region.Code, "aws:RequestedRegion limits the key to us-east-1");
        }

        // The registry authorises pushes for the identity that obtained the token, with ECR's per-layer actions.
        var token = (await ci.JsonAsync("ecr", "GetAuthorizationToken"))["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        using var registry = new HttpClient { BaseAddress = local.Server.BaseUrl };
        registry.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        using (var start = await registry.PostAsync("/v2/shop/blobs/uploads/", null))
        {
            Assert.AreEqual(HttpStatusCode.Accepted, start.StatusCode, "InitiateLayerUpload is allowed");
        }

        using (var monolithic = await registry.PostAsync("/v2/shop/blobs/uploads/?digest=sha256:" + new string('0', 64), new ByteArrayContent(Encoding.UTF8.GetBytes("{}"))))
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, monolithic.StatusCode);
            var error = JsonNode.Parse(await monolithic.Content.ReadAsStringAsync())!["errors"]![0]!;
            Assert.AreEqual("DENIED", error["code"]!.GetValue<string>());
            Assert.AreEqual($"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:UploadLayerPart on resource: arn:aws:ecr:us-east-1:{Account}:repository/shop because no identity-based policy allows the ecr:UploadLayerPart action",
                error["message"]!.GetValue<string>());
        }

        using (var anonymousBase = new HttpClient { BaseAddress = local.Server.BaseUrl })
        using (var pulled = await anonymousBase.GetAsync("/v2/localecs/base/manifests/latest"))
        {
            Assert.AreEqual(HttpStatusCode.OK, pulled.StatusCode, "the built-in base image stays readable without credentials");
        }

        using (var pulled = await registry.GetAsync("/v2/localecs/base/manifests/latest"))
        {
            Assert.AreEqual(HttpStatusCode.OK, pulled.StatusCode, "and with the token of a key whose policy does not name it: it stands in for a public registry");
        }

        (status, body) = await local.Aws.ControlAsync(HttpMethod.Post, "iam/policies", new JsonObject { ["accessKeyId"] = "AKIAOTHER", ["policy"] = """{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}""" });
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        StringAssert.Contains(body, "should not specify a principal");

        (status, _) = await local.Aws.ControlAsync(HttpMethod.Delete, "iam/policies?accessKeyId=AKIACIDEPLOYER000001");
        Assert.AreEqual(HttpStatusCode.OK, status);
        await ci.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "anything" });
        Assert.AreEqual("arn:aws:iam::123456789012:user/localecs", (await ci.QueryAsync("sts", "GetCallerIdentity", "2011-06-15")).Value("Arn"), "without its policy the key is the LocalEcs user again");
    }

    [TestMethod]
    public async Task A_session_of_an_assumed_role_acts_as_the_role_with_the_roles_own_policies()
    {
        await using var local = await LiveLocalEcs.StartAsync(iamPolicy: """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:*"], "Resource": "*"}]}""");
        var aws = local.Aws;
        await aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "deployer"),
            ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"""));
        await aws.QueryAsync("iam", "PutRolePolicy", "2010-05-08", ("RoleName", "deployer"), ("PolicyName", "clusters"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*"}]}"""));
        var assumed = await aws.QueryAsync("sts", "AssumeRole", "2011-06-15", ("RoleArn", "arn:aws:iam::123456789012:role/deployer"), ("RoleSessionName", "ci-42"));
        using var session = new AwsClient(local.Server.BaseUrl, accessKeyId: assumed.Value("AccessKeyId")!);

        Assert.AreEqual("arn:aws:sts::123456789012:assumed-role/deployer/ci-42", (await session.QueryAsync("sts", "GetCallerIdentity", "2011-06-15")).Value("Arn"));
        await session.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "prod" });
        var denied = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => session.EcsAsync("ListClusters"));
        Assert.AreEqual("User: arn:aws:sts::123456789012:assumed-role/deployer/ci-42 is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action", denied.AwsMessage);
        var caller = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("ListClusters"));
        StringAssert.Contains(caller.AwsMessage, "user/localecs", "the default policy still applies to the caller that assumed the role");
    }

    [TestMethod]
    public async Task A_role_created_with_tags_needs_iam_TagRole_on_it_as_IAMs_tag_on_create_does()
    {
        await using var local = await LiveLocalEcs.StartAsync(iamPolicy: """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "arn:aws:iam::123456789012:role/*"}]}""");
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

        await local.Aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "untagged"), ("AssumeRolePolicyDocument", trust));
        var tagged = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "tagged"), ("AssumeRolePolicyDocument", trust),
            ("Tags.member.1.Key", "created-by"), ("Tags.member.1.Value", "EcsBuildTasks")));

        Assert.AreEqual("AccessDenied", tagged.Code);
        Assert.AreEqual($"User: {User} is not authorized to perform: iam:TagRole on resource: arn:aws:iam::{Account}:role/tagged because no identity-based policy allows the iam:TagRole action", tagged.AwsMessage);
    }

    [TestMethod]
    public async Task Route_53_record_changes_are_authorised_on_their_zone_with_the_names_types_and_actions_of_the_batch()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var zone = await Route53Scenario.ZoneAsync(local.Aws, "example.com");
        var other = await Route53Scenario.ZoneAsync(local.Aws, "example.org");
        var zoneArn = "arn:aws:route53:::hostedzone/" + zone[(zone.LastIndexOf('/') + 1)..];
        using var ci = new AwsClient(local.Server.BaseUrl, accessKeyId: "AKIACIDNSDEPLOYER001");
        var (status, body) = await local.Aws.ControlAsync(HttpMethod.Post, "iam/policies", new JsonObject
        {
            ["accessKeyId"] = "AKIACIDNSDEPLOYER001",
            ["principalArn"] = "arn:aws:iam::123456789012:user/dns",
            ["policy"] = $$"""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "route53:ListResourceRecordSets", "Resource": "{{zoneArn}}"},
                  {"Effect": "Allow", "Action": "route53:ChangeResourceRecordSets", "Resource": "{{zoneArn}}",
                   "Condition": {"ForAllValues:StringEquals": {
                     "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.example.com"],
                     "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
                     "route53:ChangeResourceRecordSetsActions": ["UPSERT"] } } } ] }
                """,
        });
        Assert.AreEqual(HttpStatusCode.OK, status, body);

        // Names are compared normalised (lower case, no trailing dot), as Route 53 does.
        await Route53Scenario.ChangeAsync(ci, zone, Route53Scenario.Weighted("UPSERT", "API.example.com.", "Blue", 100, "blue.example.com"), Route53Scenario.Weighted("UPSERT", "api.example.com", "Green", 0, "green.example.com"));
        Assert.AreEqual(2, (await Route53Scenario.ListAsync(ci, zone)).Count(r => r.Type == "CNAME"));

        var name = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => Route53Scenario.ChangeAsync(ci, zone, Route53Scenario.Weighted("UPSERT", "www.example.com", "Blue", 100, "blue.example.com")));
        Assert.AreEqual("AccessDenied", name.Code);
        Assert.AreEqual($"User: arn:aws:iam::123456789012:user/dns is not authorized to perform: route53:ChangeResourceRecordSets on resource: {zoneArn} because no identity-based policy allows the route53:ChangeResourceRecordSets action", name.AwsMessage);
        var delete = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => Route53Scenario.ChangeAsync(ci, zone, Route53Scenario.Weighted("DELETE", "api.example.com", "Green", 0, "green.example.com")));
        Assert.AreEqual("AccessDenied", delete.Code, "only UPSERTs");
        var elsewhere = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => Route53Scenario.ChangeAsync(ci, other, Route53Scenario.Weighted("UPSERT", "api.example.com", "Blue", 100, "blue.example.com")));
        StringAssert.Contains(elsewhere.AwsMessage, "on resource: arn:aws:route53:::hostedzone/" + other[(other.LastIndexOf('/') + 1)..], "the zone is the one the request URI names");
    }

    [TestMethod]
    public async Task Denials_reach_the_AWS_CLI_as_AWS_prints_them()
    {
        await using var local = await LiveLocalEcs.StartAsync(iamPolicy: """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:List*", "Resource": "*"}]}""");
        local.Cli("ecs", "list-clusters");
        StringAssert.Contains(local.CliError("ecs", "create-cluster", "--cluster-name", "prod"),
            $"An error occurred (AccessDeniedException) when calling the CreateCluster operation");
        StringAssert.Contains(local.CliError("ecs", "create-cluster", "--cluster-name", "prod"),
            $"User: {User} is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:{Account}:cluster/prod because no identity-based policy allows the ecs:CreateCluster action");
        StringAssert.Contains(local.CliError("elbv2", "describe-load-balancers"), "An error occurred (AccessDenied) when calling the DescribeLoadBalancers operation");
        StringAssert.Contains(local.CliError("iam", "get-role", "--role-name", "ecsTaskExecutionRole"), "(AccessDenied) when calling the GetRole operation");
        StringAssert.Contains(local.CliError("secretsmanager", "list-secrets"), "(AccessDeniedException) when calling the ListSecrets operation");
    }
}
