using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.Tests.Conformance;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests;

[TestClass]
public sealed class EcsJsonTests
{
    [TestMethod]
    public void A_described_task_definition_survives_the_round_trip_into_RegisterTaskDefinition()
    {
        var model = AwsModel.Load("ecs");
        var described = new ModelSampler(model).Sample("DescribeTaskDefinitionResponse").AsObject();

        var response = EcsJson.Deserialize<DescribeTaskDefinitionResponse>(described.ToJsonString());
        var rewritten = JsonNode.Parse(EcsJson.Serialize(response))!;
        AssertJsonEqual(described, rewritten, "DescribeTaskDefinition response re-serialized");

        var tags = new List<Tag> { new() { Key = "team", Value = "platform" } };
        var request = response.TaskDefinition!.ToRegisterTaskDefinitionRequest(tags);
        var requestJson = JsonNode.Parse(EcsJson.Serialize(request))!.AsObject();

        CollectionAssert.AreEqual(Array.Empty<string>(), model.Check(requestJson, "RegisterTaskDefinitionRequest").ToArray());
        var taskDefinition = described["taskDefinition"]!.AsObject();
        foreach (var (name, target, _) in AwsModel.Members(model.Shape("RegisterTaskDefinitionRequest")))
        {
            if (name == "tags")
            {
                continue;
            }

            // The conversion relies on identical names and shapes; a model update that breaks this must fail here.
            var source = AwsModel.Members(model.Shape("TaskDefinition")).SingleOrDefault(m => m.Name == name);
            Assert.AreEqual(target, source.Target, $"TaskDefinition.{name} must have the shape of RegisterTaskDefinitionRequest.{name}");
            Assert.IsTrue(requestJson.ContainsKey(name), $"{name} was lost");
            AssertJsonEqual(taskDefinition[name]!, requestJson[name]!, name);
        }

        Assert.AreEqual("platform", requestJson["tags"]![0]!["value"]!.GetValue<string>());
        Assert.IsFalse(requestJson.ContainsKey("taskDefinitionArn"), "read-only members must not be sent");
    }

    [TestMethod]
    public void Every_ECS_operation_shape_round_trips_without_loss()
    {
        var model = AwsModel.Load("ecs");
        var sampler = new ModelSampler(model);
        foreach (var (operation, requestType, responseType) in OperationTypes(typeof(AmazonECSClient)))
        {
            foreach (var (shape, type) in new[] { (model.InputShape(operation), requestType), (model.OutputShape(operation), responseType) })
            {
                if (shape is null)
                {
                    continue;
                }

                var sample = sampler.Sample(shape);
                var value = JsonSerializer.Deserialize(sample.ToJsonString(), EcsJson.Serializer.Options.GetTypeInfo(type));
                var written = JsonNode.Parse(JsonSerializer.Serialize(value, EcsJson.Serializer.Options.GetTypeInfo(type)));
                AssertJsonEqual(sample, written!, $"{operation} {shape}");
                CollectionAssert.AreEqual(Array.Empty<string>(), model.Check(written, shape).ToArray(), $"{operation} {shape}");
            }
        }
    }

    [TestMethod]
    public void Nulls_are_omitted_and_names_are_the_exact_wire_names()
    {
        var request = new RegisterTaskDefinitionRequest
        {
            Family = "web",
            NetworkMode = NetworkMode.Awsvpc,
            RequiresCompatibilities = ["FARGATE"],
            ContainerDefinitions = [new ContainerDefinition { Name = "app", Image = "nginx", PortMappings = [new PortMapping { ContainerPort = 8080 }] }],
        };

        var json = EcsJson.Serialize(request);

        Assert.AreEqual(
            """{"family":"web","networkMode":"awsvpc","containerDefinitions":[{"name":"app","image":"nginx","portMappings":[{"containerPort":8080}]}],"requiresCompatibilities":["FARGATE"]}""",
            json);
        StringAssert.Contains(EcsJson.Serialize(request, indented: true), "\n", StringComparison.Ordinal);
    }

    [TestMethod]
    public void Unknown_members_and_unknown_enum_values_are_tolerated()
    {
        var service = EcsJson.Deserialize<Service>("""{"serviceName":"web","launchType":"QUANTUM","futureMember":{"x":[1,2]},"desiredCount":3}""");

        Assert.AreEqual("web", service.ServiceName);
        Assert.AreEqual(3, service.DesiredCount);
        Assert.AreEqual("QUANTUM", service.LaunchType!.Value);
        Assert.AreEqual("""{"serviceName":"web","desiredCount":3,"launchType":"QUANTUM"}""", EcsJson.Serialize(service));
    }

    [TestMethod]
    public void Known_enum_values_map_to_the_constants()
    {
        var service = EcsJson.Deserialize<Service>("""{"launchType":"FARGATE","schedulingStrategy":"REPLICA"}""");

        Assert.AreSame(LaunchType.FARGATE, service.LaunchType);
        Assert.AreSame(SchedulingStrategy.REPLICA, service.SchedulingStrategy);
    }

    [TestMethod]
    public void A_wrong_type_gives_a_JsonException_with_the_path()
    {
        var exception = Assert.ThrowsExactly<JsonException>(() => EcsJson.Deserialize<TaskDefinition>("""{"containerDefinitions":[{"name":"app","memory":"lots"}]}"""));

        Assert.AreEqual("$.containerDefinitions[0].memory", exception.Path);
    }

    [TestMethod]
    public void Timestamps_are_epoch_seconds_in_UTC()
    {
        var deployment = EcsJson.Deserialize<Deployment>("""{"createdAt":1700000000.123,"updatedAt":"2024-01-02T03:04:05Z"}""");

        Assert.AreEqual(new DateTime(2023, 11, 14, 22, 13, 20, 123, DateTimeKind.Utc), deployment.CreatedAt);
        Assert.AreEqual(DateTimeKind.Utc, deployment.CreatedAt!.Value.Kind);
        Assert.AreEqual(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), deployment.UpdatedAt);
        Assert.AreEqual("""{"createdAt":1700000000.123,"updatedAt":1704164645}""", EcsJson.Serialize(deployment));
    }

    [TestMethod]
    public void Streams_deserialize_like_strings()
    {
        using var stream = new MemoryStream("""{"family":"web","revision":4}"""u8.ToArray());

        var taskDefinition = EcsJson.Deserialize<TaskDefinition>(stream);

        Assert.AreEqual("web", taskDefinition.Family);
        Assert.AreEqual(4, taskDefinition.Revision);
    }

    [TestMethod]
    public void Maps_keep_their_keys_in_large_documents()
    {
        // The benchmark process failed here (NotSupportedException on map keys) while the lenient string converter
        // lacked property-name support: STJ may route dictionary keys through the string converter. This replays
        // the benchmark's sequence on a fresh serializer, at its size.
        var options = new Dictionary<string, string> { ["awslogs-group"] = "/ecs/web", ["awslogs-region"] = "eu-west-1" };
        var containers = Enumerable.Range(0, 10).Select(c => new ContainerDefinition
        {
            Name = "c" + c.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Environment = [.. Enumerable.Range(0, 100).Select(i => new ECS.Model.KeyValuePair { Name = $"SETTING_{i}", Value = new string('x', 50) })],
            LogConfiguration = new LogConfiguration { LogDriver = LogDriver.Awslogs, Options = options },
            DockerLabels = new() { ["team"] = "a" },
        }).ToList();
        var request = new RegisterTaskDefinitionRequest { Family = "large", ContainerDefinitions = containers };

        var serializer = new Serialization.AwsJsonSerializer(ECSJsonContext.Default);
        var json = serializer.Serialize(request);
        var taskDefinition = serializer.Deserialize<TaskDefinition>(json);
        var described = serializer.Serialize(new DescribeTaskDefinitionResponse { TaskDefinition = taskDefinition });
        var back = serializer.Deserialize<DescribeTaskDefinitionResponse>(described).TaskDefinition!.ToRegisterTaskDefinitionRequest();

        Assert.IsTrue(json.Length > 64 * 1024, $"{json.Length} characters");
        CollectionAssert.AreEquivalent(options, back.ContainerDefinitions![9].LogConfiguration!.Options);
        Assert.AreEqual(json, serializer.Serialize(back));
    }

    [TestMethod]
    public void A_null_document_is_rejected()
    {
        Assert.ThrowsExactly<JsonException>(() => EcsJson.Deserialize<TaskDefinition>("null"));
    }

    /// <summary>(operation, request type, response type) for every operation method of a generated client.</summary>
    internal static IEnumerable<(string Operation, Type Request, Type Response)> OperationTypes(Type client) =>
        client.GetMethods()
            .Where(m => m.DeclaringType == client && m.Name.EndsWith("Async", StringComparison.Ordinal) && m.GetParameters().Length == 2)
            .Select(m => (m.Name[..^"Async".Length], m.GetParameters()[0].ParameterType, m.ReturnType.GetGenericArguments()[0]))
            .OrderBy(t => t.Item1, StringComparer.Ordinal);

    internal static void AssertJsonEqual(JsonNode expected, JsonNode actual, string what)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"{what} differs.\nexpected: {expected.ToJsonString()}\nactual:   {actual.ToJsonString()}");
        }
    }
}
