using Amazon.Runtime;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.Tests.Fakes;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// Region and credential resolution through AwsClientFactory, checked on the wire: the key in each request's SigV4
/// Authorization header and the region in its credential scope. These change the process environment, which the SDK
/// reads, so they do not run in parallel with other tests.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class CredentialAndRegionTests
{
    private const string ClustersJson = """{"clusterArns":[]}""";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task Environment_credentials_and_AWS_REGION_are_used_when_nothing_is_set_explicitly()
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDFROMENVIRONMENT1",
            ["AWS_SECRET_ACCESS_KEY"] = "environment-secret",
            ["AWS_REGION"] = "ap-northeast-1",
        });

        var signed = await SignedScopeAsync(new AwsConnectionSettings());

        Assert.AreEqual("AKIDFROMENVIRONMENT1/ap-northeast-1/ecs", signed);
    }

    [TestMethod]
    public async Task A_named_profile_supplies_credentials_and_region()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(EnvironmentScope.CredentialsFile, "[deploy]\naws_access_key_id = AKIDFROMPROFILE00001\naws_secret_access_key = profile-secret\n");
        File.WriteAllText(EnvironmentScope.ConfigFile, "[profile deploy]\nregion = eu-central-1\n");

        var signed = await SignedScopeAsync(new AwsConnectionSettings { Profile = "deploy" });

        Assert.AreEqual("AKIDFROMPROFILE00001/eu-central-1/ecs", signed);
    }

    [TestMethod]
    public async Task The_explicit_region_wins_over_the_environment_and_the_profile()
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_REGION"] = "ap-northeast-1" });
        File.WriteAllText(EnvironmentScope.ConfigFile, "[default]\nregion = eu-central-1\n");

        var signed = await SignedScopeAsync(new AwsConnectionSettings { Region = "sa-east-1", Credentials = new BasicAWSCredentials("AKIDEXPLICIT00000001", "s") });

        Assert.AreEqual("AKIDEXPLICIT00000001/sa-east-1/ecs", signed);
    }

    [TestMethod]
    public void A_missing_region_or_profile_is_reported_clearly()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(EnvironmentScope.CredentialsFile, "[other]\naws_access_key_id = AKIDSECRETPROFILE001\naws_secret_access_key = do-not-print\n");

        var noRegion = Assert.ThrowsExactly<AmazonClientException>(() => new AwsClientFactory(new AwsConnectionSettings()).ResolvedRegion);
        var noProfile = Assert.ThrowsExactly<AmazonClientException>(
            () => new AwsClientFactory(new AwsConnectionSettings { Profile = "deploy", Region = "eu-west-1" }).Credentials.GetCredentials());

        StringAssert.Contains(noRegion.Message, "No AWS region is configured", StringComparison.Ordinal);
        StringAssert.Contains(noProfile.Message, "'deploy'", StringComparison.Ordinal);
        Assert.IsFalse(noProfile.ToString().Contains("do-not-print", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Web_identity_from_the_environment_assumes_the_role_through_STS()
    {
        var stsRequests = new List<string>();
        await using var sts = new FakeAwsServer((request, _) =>
        {
            lock (stsRequests)
            {
                stsRequests.Add(request.BodyText);
            }

            return FakeResponse.Xml("""
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <Credentials><AccessKeyId>ASIAWEBIDENTITY00001</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
                    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ci/run</Arn><AssumedRoleId>AROAEXAMPLE:run</AssumedRoleId></AssumedRoleUser>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """);
        });
        using var environment = new EnvironmentScope();
        var tokenFile = Path.Combine(environment.Directory, "oidc-token");
        File.WriteAllText(tokenFile, "eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.sig");
        environment.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        environment.Set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci");
        environment.Set("AWS_ROLE_SESSION_NAME", "run");
        environment.Set("AWS_REGION", "us-west-2");
        environment.Set("AWS_ENDPOINT_URL_STS", sts.Endpoint);

        var signed = await SignedScopeAsync(new AwsConnectionSettings(), expectSessionToken: "web-session");

        Assert.AreEqual("ASIAWEBIDENTITY00001/us-west-2/ecs", signed);
        var call = stsRequests.Single();
        StringAssert.Contains(call, "Action=AssumeRoleWithWebIdentity", StringComparison.Ordinal);
        StringAssert.Contains(call, "WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.sig", StringComparison.Ordinal);
        StringAssert.Contains(call, "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci", StringComparison.Ordinal);
    }

    [TestMethod]
    public async Task Container_credentials_are_fetched_from_the_container_endpoint()
    {
        await using var metadata = new FakeAwsServer((request, _) =>
        {
            Assert.AreEqual("container-auth-token", request.Header("Authorization"));
            return FakeResponse.Json("""{"AccessKeyId":"ASIACONTAINER0000001","SecretAccessKey":"container-secret","Token":"container-session","Expiration":"2099-01-01T00:00:00Z"}""");
        });
        using var environment = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = metadata.Endpoint + "/v2/credentials/task",
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-auth-token",
            ["AWS_REGION"] = "eu-west-3",
        });

        var signed = await SignedScopeAsync(new AwsConnectionSettings(), expectSessionToken: "container-session");

        Assert.AreEqual("ASIACONTAINER0000001/eu-west-3/ecs", signed);
        Assert.AreEqual("/v2/credentials/task", metadata.Requests[0].Path);
    }

    [TestMethod]
    public async Task Instance_metadata_supplies_credentials_and_region_with_an_IMDSv2_token()
    {
        await using var imds = new FakeAwsServer((request, _) => (request.Method, request.Path) switch
        {
            ("PUT", "/latest/api/token") => new FakeResponse(200, "imds-session-token"),
            (_, _) when request.Header("X-aws-ec2-metadata-token") != "imds-session-token" => new FakeResponse(401, string.Empty),
            ("GET", "/latest/meta-data/iam/security-credentials" or "/latest/meta-data/iam/security-credentials/") => new FakeResponse(200, "ecs-instance-role"),
            ("GET", "/latest/meta-data/iam/security-credentials/ecs-instance-role") => FakeResponse.Json(
                """{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAINSTANCE00000001","SecretAccessKey":"instance-secret","Token":"instance-session","Expiration":"2099-01-01T00:00:00Z","LastUpdated":"2024-01-01T00:00:00Z"}"""),
            ("GET", "/latest/dynamic/instance-identity/document") => FakeResponse.Json("""{"region":"ca-central-1","instanceId":"i-0123456789abcdef0"}"""),
            _ => new FakeResponse(404, string.Empty),
        });
        using var environment = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_EC2_METADATA_DISABLED"] = "false",
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Endpoint,
        });

        var signed = await SignedScopeAsync(new AwsConnectionSettings(), expectSessionToken: "instance-session");

        Assert.AreEqual("ASIAINSTANCE00000001/ca-central-1/ecs", signed);
    }

    [TestMethod]
    public async Task Credentials_are_resolved_on_first_use_only_once_and_shared_by_every_client()
    {
        await using var metadata = new FakeAwsServer((_, _) => FakeResponse.Json(
            """{"AccessKeyId":"ASIASHARED0000000001","SecretAccessKey":"shared-secret","Token":"shared-session","Expiration":"2099-01-01T00:00:00Z"}"""));
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = metadata.Endpoint + "/creds" });
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json(ClustersJson));
        var factory = new AwsClientFactory(new AwsConnectionSettings { EndpointUrl = server.Endpoint, Region = "eu-west-1" });
        using var ecs = factory.CreateEcs();
        using var logs = factory.CreateCloudWatchLogs();
        Assert.AreEqual(0, metadata.Requests.Count, "creating clients resolves nothing");

        await ecs.ListClustersAsync(new ListClustersRequest(), Ct);
        await ecs.ListClustersAsync(new ListClustersRequest(), Ct);
        await logs.DescribeLogGroupsAsync(new CloudWatchLogs.Model.DescribeLogGroupsRequest(), Ct);

        Assert.AreEqual(1, metadata.Requests.Count, "one fetch for three calls by two clients");
        Assert.IsTrue(server.Requests.All(r => r.Header("Authorization")!.Contains("Credential=ASIASHARED0000000001/", StringComparison.Ordinal)));
        Assert.AreEqual(nameof(DeferredCredentials), factory.Credentials.ToString(), "printing the credentials shows no key");
    }

    [TestMethod]
    public async Task AWS_ENDPOINT_URL_for_a_service_is_honoured_as_by_the_official_clients()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json(ClustersJson));
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_ECS"] = server.Endpoint });
        using var ecs = new AwsClientFactory(new AwsConnectionSettings { Region = "eu-west-1", Credentials = new BasicAWSCredentials("AKIDENDPOINTENV00001", "s") }).CreateEcs();

        await ecs.ListClustersAsync(new ListClustersRequest(), Ct);

        Assert.AreEqual(1, server.Requests.Count);
        StringAssert.Contains(server.Requests[0].Header("Authorization"), "/eu-west-1/ecs/aws4_request", StringComparison.Ordinal);
    }

    [TestMethod]
    public async Task AWS_ENDPOINT_URL_IAM_sends_the_global_service_there_signed_for_the_configured_region()
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Xml("""
            <GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName></Role></GetRoleResult></GetRoleResponse>
            """));
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_IAM"] = server.Endpoint });
        using var iam = new AwsClientFactory(new AwsConnectionSettings { Region = "eu-west-1", Credentials = new BasicAWSCredentials("AKIDENDPOINTENV00002", "s") }).CreateIam();

        var response = await iam.GetRoleAsync(new IdentityManagement.Model.GetRoleRequest { RoleName = "r" }, Ct);

        Assert.AreEqual("r", response.Role!.RoleName);
        Assert.AreEqual(1, server.Requests.Count);
        StringAssert.Contains(server.Requests[0].Header("Authorization"), "/eu-west-1/iam/aws4_request", StringComparison.Ordinal);
    }

    [TestMethod]
    public void An_SSO_profile_resolves_to_SSO_credentials_and_the_SSO_assemblies_are_deployed()
    {
        using var environment = new EnvironmentScope();
        File.WriteAllText(EnvironmentScope.ConfigFile, """
            [profile sso-dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = Deployer
            region = eu-west-1

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access
            """);

        var factory = new AwsClientFactory(new AwsConnectionSettings { Profile = "sso-dev" });
        var resolved = new Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain().TryGetAWSCredentials("sso-dev", out var credentials);

        Assert.IsTrue(resolved);
        Assert.IsInstanceOfType<SSOAWSCredentials>(credentials);
        Assert.AreEqual("eu-west-1", factory.ResolvedRegion.SystemName);

        // AWSSDK.Core loads these by name when SSO, web identity or assume-role profiles fetch credentials.
        Assert.IsNotNull(Type.GetType("Amazon.SSO.AmazonSSOClient, AWSSDK.SSO"));
        Assert.IsNotNull(Type.GetType("Amazon.SSOOIDC.AmazonSSOOIDCClient, AWSSDK.SSOOIDC"));
        Assert.IsNotNull(Type.GetType("Amazon.SecurityToken.AmazonSecurityTokenServiceClient, AWSSDK.SecurityToken"));
    }

    /// <summary>Makes one ECS call through the factory to a fake endpoint; returns "key/region/service" from the SigV4 scope.</summary>
    private async Task<string> SignedScopeAsync(AwsConnectionSettings settings, string? expectSessionToken = null)
    {
        await using var server = new FakeAwsServer((_, _) => FakeResponse.Json(ClustersJson));
        using var ecs = new AwsClientFactory(settings with { EndpointUrl = server.Endpoint }).CreateEcs();
        await ecs.ListClustersAsync(new ListClustersRequest(), Ct);

        var request = server.Requests.Single();
        Assert.AreEqual(expectSessionToken, request.Header("X-Amz-Security-Token"));
        var credential = request.Header("Authorization")!.Split("Credential=")[1].Split(',')[0].Split('/');
        return $"{credential[0]}/{credential[2]}/{credential[3]}";
    }
}
