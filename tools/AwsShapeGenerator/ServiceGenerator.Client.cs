namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>The client, its interface, config, operation table and paginators.</summary>
internal sealed partial class ServiceGenerator
{
    private const string Task = "global::System.Threading.Tasks.Task";
    private const string Ct = "global::System.Threading.CancellationToken";

    private string M(string className) => $"global::{spec.ModelNamespace}.{className}";

    private void EmitConfig()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Line("/// <summary>Client configuration: region, ServiceURL (+ AuthenticationRegion), retries, timeouts, as on the official SDK's config.</summary>");
        w.Open($"public partial class {spec.ConfigName} : {Rt}AwsClientConfig");
        w.Line($"internal static {Rt}AwsServiceDescriptor Descriptor {{ get; }} = new(");
        w.Line($"    ServiceId: {Naming.Literal(model.ServiceId)},");
        w.Line($"    SigningName: {Naming.Literal(model.SigningName)},");
        w.Line($"    EndpointPrefix: {Naming.Literal(model.EndpointPrefix)},");
        w.Line($"    ApiVersion: {Naming.Literal(model.ApiVersion)},");
        w.Line($"    UserAgentName: {Naming.Literal(spec.Folder)},");
        w.Line($"    SecretResponses: {(spec.SecretResponses ? "true" : "false")}{(model.GlobalEndpoint is null ? ");" : ",")}");
        if (model.GlobalEndpoint is not null)
        {
            // The model names one global endpoint (iam.amazonaws.com, route53.amazonaws.com): one host per partition.
            w.Line("    GlobalEndpoint: true);");
        }

        w.Line();
        w.Constructor($"public {spec.ConfigName}()", ": base(Descriptor)");
        w.Close();
        AddFile($"{spec.ConfigName}.cs", w);
    }

    private void EmitClient()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Line($"/// <summary>The {model.ServiceId} operations EcsBuildTasks uses, with the official SDK's names and signatures.</summary>");
        w.Open($"public partial interface {spec.InterfaceName} : global::Amazon.Runtime.IAmazonService, global::System.IDisposable");
        w.Line($"{M(spec.PaginatorFactoryName)} Paginators {{ get; }}");
        foreach (var op in spec.Operations)
        {
            w.Line();
            w.Line($"{Task}<{M(op + "Response")}> {op}Async({M(op + "Request")} request, {Ct} cancellationToken = default);");
        }

        w.Close();
        w.Line();
        w.Line($"/// <summary>{model.ServiceId} client on AWSSDK.Core's pipeline: credentials, SigV4, retries, timeouts and endpoints behave as in the official SDK.</summary>");
        w.Open($"public partial class {spec.ClientName} : {Rt}AwsServiceClient, {spec.InterfaceName}");
        w.Line($"private {M(spec.PaginatorFactoryName)}? paginators;");
        w.Line();
        w.Line("/// <summary>Default credentials chain and region resolution.</summary>");
        w.Constructor($"public {spec.ClientName}()", $": this(null, new {spec.ConfigName}())");
        w.Line();
        w.Constructor($"public {spec.ClientName}({spec.ConfigName} config)", ": this(null, config)");
        w.Line();
        w.Constructor($"public {spec.ClientName}(global::Amazon.RegionEndpoint region)", $": this(null, new {spec.ConfigName} {{ RegionEndpoint = region }})");
        w.Line();
        w.Constructor($"public {spec.ClientName}(global::Amazon.Runtime.AWSCredentials? credentials, global::Amazon.RegionEndpoint region)", $": this(credentials, new {spec.ConfigName} {{ RegionEndpoint = region }})");
        w.Line();
        w.Line("/// <summary>Explicit credentials, or null for the SDK's default chain.</summary>");
        w.Constructor($"public {spec.ClientName}(global::Amazon.Runtime.AWSCredentials? credentials, {spec.ConfigName} config)", ": base(credentials, config)");
        w.Line();
        w.Line($"public {M(spec.PaginatorFactoryName)} Paginators => paginators ??= new {M(spec.Prefix + "PaginatorFactory")}(this);");
        w.Line();
        w.Line("public static global::Amazon.Runtime.ClientConfig CreateDefaultClientConfig() => new " + spec.ConfigName + "();");
        w.Line();
        w.Line("public static global::Amazon.Runtime.IAmazonService CreateDefaultServiceClient(global::Amazon.Runtime.AWSCredentials awsCredentials, global::Amazon.Runtime.ClientConfig clientConfig)");
        w.Line($"    => new {spec.ClientName}(awsCredentials, ({spec.ConfigName})clientConfig);");
        foreach (var op in spec.Operations)
        {
            w.Line();
            w.Line($"public virtual {Task}<{M(op + "Response")}> {op}Async({M(op + "Request")} request, {Ct} cancellationToken = default)");
            w.Line($"    => InvokeOperationAsync(request, {spec.Prefix}Operations.{op}, cancellationToken);");
        }

        w.Close();
        w.Line();
        w.Line("/// <summary>Wire facts of each operation: name, target or action, serializers, error mapping.</summary>");
        w.Open($"internal static class {spec.Prefix}Operations");
        foreach (var op in spec.Operations)
        {
            var request = M(op + "Request");
            var response = M(op + "Response");
            switch (spec.Protocol)
            {
                case WireProtocol.Json11:
                    w.Line($"public static readonly {Rt}JsonOperation<{request}, {response}> {op} = new(");
                    w.Line($"    {spec.ConfigName}.Descriptor, {Naming.Literal(op)}, {Naming.Literal(model.TargetPrefix + "." + op)}, {spec.JsonHelper}.Serializer, {spec.Prefix}ErrorFactory.Create);");
                    break;
                case WireProtocol.Query:
                case WireProtocol.Ec2:
                    var operation = spec.Protocol == WireProtocol.Ec2 ? "Ec2Operation" : "QueryOperation";
                    w.Line($"public static readonly {Rt}{operation}<{request}, {response}> {op} = new(");
                    w.Line($"    {spec.ConfigName}.Descriptor, {Naming.Literal(op)}, {spec.Prefix}QuerySerializer.Write{op}Request, {spec.Prefix}XmlReader.Read{op}Result, {spec.Prefix}ErrorFactory.Create);");
                    break;
                case WireProtocol.RestXml:
                    EmitRestXmlOperation(w, op);
                    break;
                default:
                    throw new InvalidOperationException($"{spec.ModelName}: no operation table for protocol {spec.Protocol}");
            }

            if (op != spec.Operations[^1])
            {
                w.Line();
            }
        }

        w.Close();
        AddFile($"{spec.ClientName}.cs", w);
    }

    private void EmitPaginators()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.ModelNamespace};");
        w.Line();
        w.Line("/// <summary>Paginators for the paginated operations, following each service's paginators-1.json.</summary>");
        w.Open($"public partial interface {spec.PaginatorFactoryName}");
        var paginated = spec.Operations.Where(model.Paginators.ContainsKey).ToArray();
        foreach (var op in paginated)
        {
            w.Line($"I{op}Paginator {op}({op}Request request);");
        }

        w.Close();
        w.Line();
        w.Open($"internal sealed class {spec.Prefix}PaginatorFactory : {spec.PaginatorFactoryName}");
        w.Line($"private readonly global::{spec.Namespace}.{spec.InterfaceName} client;");
        w.Line();
        w.Open($"public {spec.Prefix}PaginatorFactory(global::{spec.Namespace}.{spec.InterfaceName} client)");
        w.Line("this.client = client;");
        w.Close();
        foreach (var op in paginated)
        {
            w.Line();
            w.Line($"public I{op}Paginator {op}({op}Request request) => new {op}Paginator(client, request);");
        }

        w.Close();
        foreach (var op in paginated)
        {
            EmitPaginator(w, model.Paginators[op]);
        }

        AddFile($"{spec.Prefix}Paginators.cs", w);
    }

    private void EmitPaginator(CodeWriter w, PaginatorModel paginator)
    {
        var op = paginator.Operation;
        var operation = model.Operations[op];
        var inputShape = model.Shapes[operation.Input!];
        var outputShape = model.Shapes[operation.Output!];
        if (paginator.InputTokens.Count == 0
            || paginator.InputTokens.Count != paginator.OutputTokens.Count
            || !paginator.InputTokens.All(t => inputShape.Members.Any(m => m.Name == t))
            || !paginator.OutputTokens.All(t => outputShape.Members.Any(m => m.Name == t))
            || (paginator.MoreResults is { } more && !outputShape.Members.Any(m => m.Name == more)))
        {
            throw new InvalidOperationException($"{spec.ModelName}: paginator {op} names tokens its shapes lack");
        }

        // One token keeps the name "token"; several (Route 53's name, type and identifier) are numbered. Tokens, result
        // keys and the more-results flag are read and set through the official SDK's property names (OfficialNames).
        var tokens = paginator.InputTokens.Select((input, i) => (
            Variable: paginator.InputTokens.Count == 1 ? "token" : "token" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Input: spec.OfficialNames.PropertyName(inputShape.Name, input),
            Output: spec.OfficialNames.PropertyName(outputShape.Name, paginator.OutputTokens[i]),
            IsString: model.Shapes[outputShape.Members.First(m => m.Name == paginator.OutputTokens[i]).Target] is { Type: "string", IsEnum: false })).ToArray();

        var resultKeys = new List<(string Property, string ItemType)>();
        foreach (var key in paginator.ResultKeys)
        {
            var member = outputShape.Members.FirstOrDefault(m => m.Name == key);

            // Nested result keys (a.b) are not used by any operation we generate.
            if (member is null || model.Shapes[member.Target].Type != "list")
            {
                continue;
            }

            resultKeys.Add((spec.OfficialNames.PropertyName(outputShape.Name, key), CsType(model.Shapes[member.Target].ListMember!, asMember: false)));
        }

        var response = $"{op}Response";
        w.Line();
        w.Open($"public partial interface I{op}Paginator : global::Amazon.Runtime.IPaginator<{response}>");
        w.Line($"global::Amazon.Runtime.IPaginatedEnumerable<{response}> Responses {{ get; }}");
        foreach (var (property, itemType) in resultKeys)
        {
            w.Line();
            w.Line($"global::Amazon.Runtime.IPaginatedEnumerable<{itemType}> {property} {{ get; }}");
        }

        w.Close();
        w.Line();
        w.Open($"internal sealed class {op}Paginator : I{op}Paginator");
        w.Line($"private readonly global::{spec.Namespace}.{spec.InterfaceName} client;");
        w.Line($"private readonly {op}Request request;");
        w.Line("private int started;");
        w.Line();
        w.Open($"public {op}Paginator(global::{spec.Namespace}.{spec.InterfaceName} client, {op}Request request)");
        w.Line("this.client = client;");
        w.Line("this.request = request;");
        w.Close();
        w.Line();
        w.Line($"public global::Amazon.Runtime.IPaginatedEnumerable<{response}> Responses => new global::Amazon.Runtime.PaginatedResponse<{response}>(this);");
        foreach (var (property, itemType) in resultKeys)
        {
            w.Line();
            w.Line($"public global::Amazon.Runtime.IPaginatedEnumerable<{itemType}> {property} =>");
            w.Line($"    new global::Amazon.Runtime.PaginatedResultKeyResponse<{response}, {itemType}>(this, response => (global::System.Collections.Generic.IEnumerable<{itemType}>?)response.{property} ?? []);");
        }

        w.Line();
        w.Open($"async global::System.Collections.Generic.IAsyncEnumerable<{response}> global::Amazon.Runtime.IPaginator<{response}>.PaginateAsync([global::System.Runtime.CompilerServices.EnumeratorCancellation] {Ct} cancellationToken)");
        w.Line("// The request object carries the token between pages, so a paginator can only run once (as in the official SDK).");
        w.Open("if (global::System.Threading.Interlocked.Exchange(ref started, 1) != 0)");
        w.Line("throw new global::System.InvalidOperationException(\"This paginator has already been enumerated; create a new one.\");");
        w.Close();
        w.Line();
        w.Line("global::Amazon.Runtime.PaginatorUtils.SetUserAgentAdditionOnRequest(request);");
        foreach (var token in tokens)
        {
            w.Line($"var {token.Variable} = request.{token.Input};");
        }

        if (paginator.MoreResults is not null)
        {
            w.Line($"{M(op + "Response")} response;");
        }

        w.Open("do");
        foreach (var token in tokens)
        {
            w.Line($"request.{token.Input} = {token.Variable};");
        }

        w.Line($"{(paginator.MoreResults is null ? "var " : string.Empty)}response = await client.{op}Async(request, cancellationToken).ConfigureAwait(false);");
        foreach (var token in tokens)
        {
            w.Line($"{token.Variable} = response.{token.Output};");
        }

        w.Line("yield return response;");
        w.Close();
        if (paginator.MoreResults is { } moreResults)
        {
            // The service says whether more pages follow; the tokens alone may be set on the last page.
            w.Line($"while (response.{spec.OfficialNames.PropertyName(outputShape.Name, moreResults)} == true);");
        }
        else
        {
            w.Line($"while ({string.Join(" || ", tokens.Select(t => t.IsString ? $"!string.IsNullOrEmpty({t.Variable})" : $"{t.Variable} is not null"))});");
        }
        w.Close();
        w.Close();
    }
}
