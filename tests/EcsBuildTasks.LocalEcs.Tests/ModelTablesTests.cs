using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// What LocalEcs checks for every operation, kept true against the official AWS models: the generated enum table is
/// current, every enum member of every served operation refuses a value outside the model, and the pagination table
/// holds each List/Describe operation's documented default page size and range.
/// </summary>
[TestClass]
public sealed partial class ModelTablesTests
{
    [TestMethod]
    public async Task The_enum_table_is_generated_from_the_models_of_the_served_operations()
    {
        Peers.RequireAwsModels();
        await using var local = await LiveLocalEcs.StartAsync();
        var expected = ModelTables.Render(local.Server.Runtime.Apis.Select(a => (a.SigningName, (IEnumerable<string>)a.Operations)));
        var file = Path.Combine(Peers.RepositoryRoot, ModelTables.GeneratedFile);
        if (Environment.GetEnvironmentVariable("LOCALECS_REGENERATE") == "1")
        {
            await File.WriteAllTextAsync(file, expected);
        }

        Assert.AreEqual(expected, (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n"),
            $"{ModelTables.GeneratedFile} is stale (new operations served, or new models): regenerate it with LOCALECS_REGENERATE=1 dotnet test tests/EcsBuildTasks.LocalEcs.Tests -c Release --filter ModelTablesTests, and commit it.");
    }

    [TestMethod]
    public async Task Every_enum_member_of_every_served_operation_refuses_a_value_outside_the_model()
    {
        Peers.RequireAwsModels();
        await using var local = await LiveLocalEcs.StartAsync();
        var folders = ModelTables.ModelFolders();
        var checkedMembers = 0;
        var problems = new List<string>();
        foreach (var api in local.Server.Runtime.Apis)
        {
            var model = AwsModel.Load(folders[api.SigningName]);
            foreach (var operation in api.Operations.Order(StringComparer.Ordinal))
            {
                foreach (var (path, set) in ModelTables.EnumMembers(model, operation))
                {
                    var bad = set == ModelEnums.Timestamp ? "99999999999999" : "NOT_A_MODEL_VALUE";
                    var (status, code, message) = await SendAsync(local.Aws, model, api.SigningName, operation, path, bad);
                    checkedMembers++;
                    var wire = ServiceErrors.MemberName(api.SigningName, WirePath(path));
                    if (status != HttpStatusCode.BadRequest || !message.Contains($"at '{wire}' failed to satisfy constraint", StringComparison.Ordinal))
                    {
                        problems.Add($"{api.SigningName} {operation} {path}: {(int)status} {code} {message}");
                    }
                }
            }
        }

        Assert.AreEqual(0, problems.Count, string.Join('\n', problems));
        Assert.IsTrue(checkedMembers > 200, $"{checkedMembers} enum and timestamp members checked");
        Assert.IsTrue(await AnswersAsync(local.Aws));
    }

    [TestMethod]
    public async Task Enum_values_in_the_model_pass_the_check_and_the_error_names_the_allowed_values()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "web",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "web",
                ["image"] = "nginx",
                ["logConfiguration"] = new JsonObject { ["logDriver"] = "syslogd" },
            }),
        }));
        Assert.AreEqual("InvalidParameterException", error.Code);
        StringAssert.StartsWith(error.AwsMessage, "1 validation error detected: Value 'syslogd' at 'containerDefinitions.1.member.logConfiguration.logDriver' failed to satisfy constraint: Member must satisfy enum value set: [");
        StringAssert.Contains(error.AwsMessage, "awslogs");

        var two = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.EcsAsync("ListTasks", new JsonObject { ["desiredStatus"] = "running", ["launchType"] = "LAMBDA" }));
        StringAssert.StartsWith(two.AwsMessage, "2 validation errors detected: ");

        var alarm = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.QueryAsync("monitoring", "PutMetricAlarm", "2010-08-01",
            ("AlarmName", "cpu"), ("ComparisonOperator", "Bigger"), ("EvaluationPeriods", "1"), ("MetricName", "CPU"), ("Namespace", "AWS/ECS"), ("Period", "60"), ("Statistic", "Average"), ("Threshold", "1")));
        Assert.AreEqual("InvalidParameterValue", alarm.Code);
        StringAssert.Contains(alarm.AwsMessage, "at 'ComparisonOperator'");

        await local.Aws.EcsAsync("CreateCluster");
        Assert.AreEqual(0, (await local.Aws.EcsAsync("ListTasks", new JsonObject { ["desiredStatus"] = "RUNNING", ["launchType"] = "FARGATE" }))["taskArns"]!.AsArray().Count, "model values pass");
    }

    [TestMethod]
    public async Task The_pagination_table_holds_the_page_sizes_the_models_document()
    {
        Peers.RequireAwsModels();
        var folders = ModelTables.ModelFolders();
        var problems = new List<string>();
        await using var local = await LiveLocalEcs.StartAsync();
        var served = local.Server.Runtime.Apis.SelectMany(a => a.Operations.Select(o => (Service: a.SigningName, Operation: o))).ToList();
        var paginated = 0;
        foreach (var (service, operation) in served)
        {
            var model = AwsModel.Load(folders[service]);
            var paginators = JsonNode.Parse(File.ReadAllText(Path.Combine(AwsModel.VersionDirectory(folders[service]), "paginators-1.json")))!["pagination"]!.AsObject();
            var members = model.Document["operations"]![operation]?["input"] is { } input ? model.Shape((string)input["shape"]!)["members"]!.AsObject() : [];
            var limitMember = members.Select(m => m.Key).FirstOrDefault(m => LimitNames().IsMatch(m));
            var tokenMember = members.Select(m => m.Key).FirstOrDefault(m => TokenNames().IsMatch(m));
            Pagination.Rules.TryGetValue((service, operation), out var rule);
            if (limitMember is null && tokenMember is null)
            {
                if (rule is not null)
                {
                    problems.Add($"{service} {operation}: a pagination rule, but the model has no page size or token");
                }

                continue;
            }

            paginated++;
            if (rule is null)
            {
                problems.Add($"{service} {operation}: the model pages ({limitMember}, {tokenMember}) but LocalEcs has no rule in Hosting/Pagination.cs");
                continue;
            }

            if (rule.LimitMember != limitMember || rule.TokenMember != tokenMember)
            {
                problems.Add($"{service} {operation}: members {rule.LimitMember}/{rule.TokenMember}, the model's are {limitMember}/{tokenMember}");
            }

            // Rest-xml members travel under their locationName (Route 53's query parameters maxitems and marker).
            var protocol = (string)model.Metadata["protocol"]!;
            if (limitMember is not null && (rule.LimitOnWire ?? rule.LimitMember) != ModelTables.WireName(protocol, limitMember, members[limitMember]!.AsObject()))
            {
                problems.Add($"{service} {operation}: reads the limit from {rule.LimitOnWire ?? rule.LimitMember}, the request carries it as {ModelTables.WireName(protocol, limitMember, members[limitMember]!.AsObject())}");
            }

            if (tokenMember is not null && (rule.TokenOnWire ?? rule.TokenMember) != ModelTables.WireName(protocol, tokenMember, members[tokenMember]!.AsObject()))
            {
                problems.Add($"{service} {operation}: reads the token from {rule.TokenOnWire ?? rule.TokenMember}, the request carries it as {ModelTables.WireName(protocol, tokenMember, members[tokenMember]!.AsObject())}");
            }

            var limitShape = model.Shape((string)members[limitMember!]!["shape"]!);
            var documentation = Regex.Replace((string?)members[limitMember!]!["documentation"] ?? string.Empty, "<[^>]+>", string.Empty);
            var range = Between().Match(documentation);
            var minimum = (int?)limitShape["min"] ?? (range.Success ? int.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture) : null);
            var maximum = (int?)limitShape["max"] ?? (range.Success ? int.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture) : null);
            if (minimum is null && maximum is null && UndocumentedRanges.Contains((service, operation)))
            {
                // Not in the model: Hosting/Pagination.cs gives the range Route 53 applies, and why.
            }
            else if (minimum != rule.Minimum || maximum != rule.Maximum)
            {
                problems.Add($"{service} {operation}: range {rule.Minimum}..{rule.Maximum}, the model says {minimum}..{maximum}");
            }

            var documented = DocumentedDefault().Match(documentation);
            if (documentation.Contains("all items are returned", StringComparison.Ordinal))
            {
                if (rule.Default is not null)
                {
                    problems.Add($"{service} {operation}: default {rule.Default}, the model documents all items");
                }
            }
            else if (documented.Success)
            {
                var value = int.Parse(documented.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
                if (rule.Default != value)
                {
                    problems.Add($"{service} {operation}: default {rule.Default}, the model documents {value}");
                }
            }
            else if (!UndocumentedDefaults.Contains((service, operation)))
            {
                problems.Add($"{service} {operation}: the model documents no default page size: add it to {nameof(UndocumentedDefaults)} with the reason in Hosting/Pagination.cs");
            }

            if (paginators[operation] is JsonObject paginator)
            {
                if (paginator["output_token"] is JsonArray)
                {
                    // Tokens made of start keys (Route 53's record sets): the handler cuts the page, the router checks the limit.
                    if (rule.ResultMember is not null)
                    {
                        problems.Add($"{service} {operation}: the model's tokens are start keys, which the handler must make; the rule cuts {rule.ResultMember} itself");
                    }

                    continue;
                }

                if ((string?)paginator["more_results"] != rule.TruncatedMember)
                {
                    problems.Add($"{service} {operation}: says more follows in {rule.TruncatedMember ?? "(nothing)"}, the model's is {(string?)paginator["more_results"] ?? "(nothing)"}");
                }

                var resultKey = paginator["result_key"] is JsonArray keys ? (string)keys[0]! : (string)paginator["result_key"]!;
                var outputShape = model.Shape((string)model.Document["operations"]![operation]!["output"]!["shape"]!);
                var resultMember = outputShape["members"]![resultKey]!;
                var wire = (string)model.Metadata["protocol"]! == "ec2" ? (string?)resultMember["locationName"] ?? resultKey : resultKey;
                var outputToken = (string)model.Metadata["protocol"]! == "ec2" ? "nextToken" : (string)paginator["output_token"]!;
                if (rule.ResultMember is not null && rule.ResultMember != wire)
                {
                    problems.Add($"{service} {operation}: pages {rule.ResultMember}, the model's result is {wire}");
                }

                if ((rule.OutputTokenMember ?? rule.TokenMember) != outputToken)
                {
                    problems.Add($"{service} {operation}: answers its token in {rule.OutputTokenMember ?? rule.TokenMember}, the model's is {outputToken}");
                }
            }
        }

        Assert.AreEqual(0, problems.Count, string.Join('\n', problems));
        Assert.AreEqual(paginated, Pagination.Rules.Count, "every rule is for a served operation the model pages");
        Assert.IsTrue(paginated >= 45, $"{paginated} paginated operations");
    }

    /// <summary>Operations whose page size range the models do not document; Hosting/Pagination.cs gives the reason for each choice.</summary>
    private static readonly HashSet<(string, string)> UndocumentedRanges =
    [
        ("route53", "ListHostedZones"),
        ("route53", "ListHostedZonesByName"),
        ("route53", "ListResourceRecordSets"),
    ];

    /// <summary>Operations whose page size default the models do not document; Hosting/Pagination.cs gives the reason for each choice.</summary>
    private static readonly HashSet<(string, string)> UndocumentedDefaults =
    [
        ("monitoring", "DescribeAlarms"),
        ("elasticloadbalancing", "DescribeLoadBalancers"),
        ("elasticloadbalancing", "DescribeTargetGroups"),
        ("elasticloadbalancing", "DescribeListeners"),
        ("elasticloadbalancing", "DescribeRules"),
        ("ec2", "DescribeVpcs"),
        ("ec2", "DescribeSubnets"),
        ("secretsmanager", "ListSecrets"),
        ("ssm", "GetParametersByPath"),
        ("ssm", "DescribeParameters"),
        ("route53", "ListHostedZones"),
        ("route53", "ListHostedZonesByName"),
        ("route53", "ListResourceRecordSets"),
    ];

    private static async Task<bool> AnswersAsync(AwsClient aws) => (await aws.EcsAsync("ListClusters"))["clusterArns"] is JsonArray;

    /// <summary>Coral's path: list items are <c>name.1.member</c>.</summary>
    private static string WirePath(string path) => path.Replace("[]", ".1.member", StringComparison.Ordinal).Replace("{}", ".k", StringComparison.Ordinal);

    /// <summary>Sends the operation with only the member at <paramref name="path"/> set (lists with one item, maps with key k).</summary>
    private static async Task<(HttpStatusCode Status, string Code, string Message)> SendAsync(AwsClient aws, AwsModel model, string service, string operation, string path, string value)
    {
        try
        {
            switch (service)
            {
                case "elasticloadbalancing" or "sts" or "ec2" or "iam":
                    var version = (string)model.Metadata["apiVersion"]!;
                    var name = service == "ec2" ? path.Replace("[]", ".1", StringComparison.Ordinal) : path.Replace("[]", ".member.1", StringComparison.Ordinal);
                    await aws.QueryAsync(service, operation, version, (name, value));
                    break;
                case "route53":
                    await SendRestXmlAsync(aws, model, operation, path, value);
                    break;
                default:
                    var body = new JsonObject();
                    JsonNode current = body;
                    var segments = path.Split('.');
                    for (var i = 0; i < segments.Length; i++)
                    {
                        var segment = segments[i];
                        var list = segment.EndsWith("[]", StringComparison.Ordinal);
                        var map = segment.EndsWith("{}", StringComparison.Ordinal);
                        var member = list || map ? segment[..^2] : segment;
                        JsonNode leaf = i == segments.Length - 1 ? (value.All(char.IsAsciiDigit) ? JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)) : JsonValue.Create(value)) : new JsonObject();
                        JsonNode child = list ? new JsonArray(leaf) : map ? new JsonObject { ["k"] = leaf } : leaf;
                        current.AsObject()[member] = child;
                        current = leaf;
                    }

                    await aws.JsonAsync(service == "monitoring" ? "cloudwatch" : service, operation, body);
                    break;
            }

            return (HttpStatusCode.OK, string.Empty, "accepted");
        }
        catch (AwsErrorException e)
        {
            return (e.Status, e.Code, e.AwsMessage);
        }
    }

    /// <summary>
    /// A rest-xml request as the model binds it: the operation's method and URI (labels filled in), the member as a query
    /// parameter when the model puts it there, else as elements of the request document (lists as one item).
    /// </summary>
    private static Task<RestXmlResponse> SendRestXmlAsync(AwsClient aws, AwsModel model, string operation, string path, string value)
    {
        var http = model.Operation(operation)["http"]!;
        var uri = LabelPattern().Replace((string)http["requestUri"]!, "Z1EXAMPLE");
        var inputShape = model.Shape(model.InputShape(operation)!);
        var segments = path.Split('.');
        var first = segments[0].TrimEnd('[', ']', '{', '}');
        var location = inputShape["members"]!.AsObject().Select(m => m.Value!.AsObject()).FirstOrDefault(m => (string?)m["locationName"] == first)?["location"];
        if (location is not null && (string)location! == "querystring")
        {
            uri += (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + first + "=" + Uri.EscapeDataString(value);
            return aws.Route53Async(operation, new HttpMethod((string)http["method"]!), uri);
        }

        var ns = AwsClient.Route53Namespace;
        var root = new System.Xml.Linq.XElement(ns + ((string?)inputShape["locationName"] ?? operation + "Request"));
        var current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var list = segments[i].EndsWith("[]", StringComparison.Ordinal);
            var element = new System.Xml.Linq.XElement(ns + segments[i].TrimEnd('[', ']'));
            current.Add(element);
            if (list)
            {
                var item = new System.Xml.Linq.XElement(ns + "member");
                element.Add(item);
                element = item;
            }

            if (i == segments.Length - 1)
            {
                element.Value = value;
            }

            current = element;
        }

        return aws.Route53Async(operation, new HttpMethod((string)http["method"]!), uri, root);
    }

    [GeneratedRegex("\\{[A-Za-z]+\\+?\\}")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^(maxResults|MaxResults|limit|PageSize|MaxRecords|MaxItems)$")]
    private static partial Regex LimitNames();

    [GeneratedRegex("^(nextToken|NextToken|Marker)$")]
    private static partial Regex TokenNames();

    [GeneratedRegex("between (\\d+) and (\\d+)")]
    private static partial Regex Between();

    [GeneratedRegex("(?:returns up to|default is up to|default value is|default is|defaults to|up to) ([\\d,]+)(?: results| items| namespaces| operations| services| instances| events| log events|\\.)")]
    private static partial Regex DocumentedDefault();
}
