using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.Runtime;
using EcsBuildTasks.Aws.Tests.Fakes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// For every operation of every client: a request with every member set (from the model) goes through the real client
/// and pipeline to a loopback server, which checks what arrived against the model (names, types, required members,
/// enums, ranges; Query parameters rebuilt by botocore's rules) and answers with a response with every member set;
/// the parsed response must hold exactly that. Reads the models; Inconclusive (CI: failure) without them.
/// </summary>
[TestClass]
public sealed class ConformanceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public Task ECS_requests_and_responses_conform_to_the_model() => RunAsync("ecs", f => f.CreateEcs());

    [TestMethod]
    public Task ECR_requests_and_responses_conform_to_the_model() => RunAsync("ecr", f => f.CreateEcr());

    [TestMethod]
    public Task CloudMap_requests_and_responses_conform_to_the_model() => RunAsync("servicediscovery", f => f.CreateServiceDiscovery());

    [TestMethod]
    public Task ApplicationAutoScaling_requests_and_responses_conform_to_the_model() => RunAsync("application-autoscaling", f => f.CreateApplicationAutoScaling());

    [TestMethod]
    public Task CloudWatchLogs_requests_and_responses_conform_to_the_model() => RunAsync("logs", f => f.CreateCloudWatchLogs());

    [TestMethod]
    public Task ELBv2_Query_requests_and_XML_responses_conform_to_the_model() => RunAsync("elbv2", f => f.CreateElasticLoadBalancingV2());

    [TestMethod]
    public Task CloudWatch_Query_requests_and_XML_responses_conform_to_the_model() => RunAsync("cloudwatch", f => f.CreateCloudWatch());

    [TestMethod]
    public Task EC2_requests_and_responses_conform_to_the_model_in_the_ec2_protocol() => RunAsync("ec2", f => f.CreateEc2());

    [TestMethod]
    public Task IAM_Query_requests_and_XML_responses_conform_to_the_model() => RunAsync("iam", f => f.CreateIam());

    [TestMethod]
    public Task SecretsManager_requests_and_responses_conform_to_the_model() => RunAsync("secretsmanager", f => f.CreateSecretsManager());

    [TestMethod]
    public Task SSM_requests_and_responses_conform_to_the_model() => RunAsync("ssm", f => f.CreateSsm());

    /// <summary>Route 53 is global, but with an endpoint URL (as here) it signs for the configured region like every client.</summary>
    [TestMethod]
    public Task Route53_rest_xml_requests_and_responses_conform_to_the_model() => RunAsync("route53", f => f.CreateRoute53());

    private async Task RunAsync(string service, Func<AwsClientFactory, IDisposable> create)
    {
        var model = AwsModel.Load(service);

        // The official SDK's renames and omissions for this service (data in the generator's catalog).
        var names = Tools.AwsShapeGenerator.ServiceCatalog.All.Single(s => s.ModelName == service).OfficialNames;
        var sampler = new ModelSampler(model, excludedMember: names.IsExcluded);
        var mapper = new ObjectMapper(model, names.PropertyName, names.IsExcluded);
        var query = new QueryModel(model);
        var rest = new RestXmlModel(model);
        var isEc2 = model.Protocol == "ec2";
        var isQuery = model.Protocol == "query" || isEc2;
        var isRestXml = model.Protocol == "rest-xml";
        var problems = new List<string>();
        string? currentOperation = null;
        var ns = XNamespace.Get($"https://{service}.amazonaws.com/doc/{model.Metadata["apiVersion"]}/");

        await using var server = new FakeAwsServer((request, _) =>
        {
            var operation = currentOperation!;
            var output = model.OutputShape(operation);
            var sample = output is null ? new JsonObject() : sampler.Sample(output);
            if (isRestXml)
            {
                return rest.Response(operation, sample, "conformance-request-id");
            }

            if (!isQuery)
            {
                return FakeResponse.Json(sample.ToJsonString());
            }

            if (isEc2)
            {
                // No Result wrapper: the output's members sit in the root beside a lower-case requestId.
                var root = output is null ? new XElement(ns + operation + "Response") : query.ToXml(output, sample, ns + operation + "Response");
                root.AddFirst(new XElement(ns + "requestId", "conformance-request-id"));
                return FakeResponse.Xml(root.ToString(SaveOptions.DisableFormatting)).WithHeader("x-amzn-RequestId", string.Empty);
            }

            var response = new XElement(ns + operation + "Response");
            if (output is not null)
            {
                response.Add(query.ToXml(output, sample, ns + operation + "Result"));
            }

            response.Add(new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", "conformance-request-id")));

            // An empty header leaves the request id to the body's ResponseMetadata, which this also checks.
            return FakeResponse.Xml(response.ToString(SaveOptions.DisableFormatting)).WithHeader("x-amzn-RequestId", string.Empty);
        });
        using var client = create(FakeClients.Factory(server, maxErrorRetry: 0));
        var operations = EcsJsonTests.OperationTypes(client.GetType()).ToList();
        Assert.IsTrue(operations.Count > 0);

        foreach (var (operation, requestType, responseType) in operations)
        {
            currentOperation = operation;
            var input = model.InputShape(operation);
            var expectedRequest = input is null ? new JsonObject() : sampler.Sample(input);
            var request = input is null ? Activator.CreateInstance(requestType)! : mapper.FromJson(expectedRequest, input, requestType)!;
            var before = server.Requests.Count;

            object response;
            try
            {
                var task = (Task)client.GetType().GetMethod(operation + "Async", [requestType, typeof(CancellationToken)])!.Invoke(client, [request, TestContext.CancellationToken])!;
                await task;
                response = task.GetType().GetProperty("Result")!.GetValue(task)!;
            }
            catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException)
            {
                problems.Add($"{operation}: call failed: {exception.Message}");
                continue;
            }

            var sent = server.Requests[before];
            if (isRestXml)
            {
                var restProblems = new List<string>();
                var rebuilt = rest.Rebuild(operation, sent, restProblems);
                problems.AddRange(restProblems.Select(p => $"{operation}: {p}"));
                if (input is not null)
                {
                    problems.AddRange(model.Check(rebuilt, input).Select(p => $"{operation} request: {p}"));
                }

                CheckEqual(problems, operation, "request", ObjectMapper.Canonical(expectedRequest), ObjectMapper.Canonical(rebuilt));
                CheckEqual(problems, operation, "request id", "conformance-request-id", ((AmazonWebServiceResponse)response).ResponseMetadata.RequestId);
            }
            else if (isQuery)
            {
                var parameters = QueryModel.ParseForm(sent.BodyText);
                CheckEqual(problems, operation, "Action", operation, parameters.GetValueOrDefault("Action"));
                CheckEqual(problems, operation, "Version", (string)model.Metadata["apiVersion"]!, parameters.GetValueOrDefault("Version"));
                var consumed = new HashSet<string>(StringComparer.Ordinal) { "Action", "Version" };
                var queryProblems = new List<string>();
                var rebuilt = input is null ? new JsonObject() : query.Rebuild(input, string.Empty, parameters, consumed, queryProblems);
                problems.AddRange(queryProblems.Select(p => $"{operation}: {p}"));
                problems.AddRange(parameters.Keys.Except(consumed).Select(k => $"{operation}: parameter {k} is not in the model"));
                if (input is not null)
                {
                    problems.AddRange(model.Check(rebuilt, input).Select(p => $"{operation} request: {p}"));
                }

                // Query has no way to write a structure without members (CloudWatch's SlidingWindow: {}); botocore
                // sends nothing for it, and so do we.
                CheckEqual(problems, operation, "request", ObjectMapper.Canonical(WithoutEmptyObjects(expectedRequest)), ObjectMapper.Canonical(rebuilt));
                CheckEqual(problems, operation, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8", sent.Header("Content-Type"));
                CheckEqual(problems, operation, "request id", "conformance-request-id", ((AmazonWebServiceResponse)response).ResponseMetadata.RequestId);
            }
            else
            {
                var body = JsonNode.Parse(sent.BodyText);
                if (input is not null)
                {
                    problems.AddRange(model.Check(body, input).Select(p => $"{operation} request: {p}"));
                }

                CheckEqual(problems, operation, "request", ObjectMapper.Canonical(expectedRequest), ObjectMapper.Canonical(body));
                CheckEqual(problems, operation, "X-Amz-Target", $"{model.Metadata["targetPrefix"]}.{operation}", sent.Header("X-Amz-Target"));
                CheckEqual(problems, operation, "Content-Type", "application/x-amz-json-1.1", sent.Header("Content-Type"));
            }

            StringAssertSigned(problems, operation, sent, (string?)model.Metadata["signingName"] ?? (string)model.Metadata["endpointPrefix"]!, "eu-west-1");
            var output = model.OutputShape(operation);
            if (output is not null)
            {
                var expectedResponse = sampler.Sample(output);
                CheckEqual(problems, operation, "response", ObjectMapper.Canonical(expectedResponse), ObjectMapper.Canonical(mapper.ToJson(response, output)));
            }

            Assert.IsInstanceOfType(response, responseType);
        }

        if (problems.Count > 0)
        {
            Assert.Fail($"{problems.Count} conformance problems in {service}:\n" + string.Join("\n", problems));
        }

        TestContext.WriteLine($"{service}: {operations.Count} operations checked");
    }

    private static JsonNode WithoutEmptyObjects(JsonNode node)
    {
        var copy = JsonNode.Parse(node.ToJsonString())!;
        Strip(copy);
        return copy;

        static void Strip(JsonNode current)
        {
            if (current is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        Strip(child);
                    }

                    if (child is JsonObject { Count: 0 })
                    {
                        obj.Remove(name);
                    }
                }
            }
            else if (current is JsonArray array)
            {
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Strip(child);
                    }
                }
            }
        }
    }

    private static void StringAssertSigned(List<string> problems, string operation, RecordedRequest sent, string signingName, string region)
    {
        var authorization = sent.Header("Authorization") ?? string.Empty;
        if (!authorization.Contains($"/{region}/{signingName}/aws4_request", StringComparison.Ordinal))
        {
            problems.Add($"{operation}: not signed for {signingName} in {region}: {authorization.Split(',')[0]}");
        }
    }

    private static void CheckEqual(List<string> problems, string operation, string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            problems.Add($"{operation}: {what} differs\n  expected: {expected}\n  actual:   {actual}");
        }
    }
}
