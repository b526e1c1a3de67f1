namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>
/// Generates one service's C# files from its model: shapes (requests, responses, structures), enums, exceptions,
/// the System.Text.Json context, the client, its interface, config, paginators and, for Query services, the
/// query serializers and XML readers. Only names, types and wire facts are read from the model; documentation never is.
/// </summary>
internal sealed partial class ServiceGenerator
{
    private const string Rt = "global::EcsBuildTasks.Aws.Runtime.";
    private const string Ser = "global::EcsBuildTasks.Aws.Serialization.";
    private const string Stj = "global::System.Text.Json.Serialization.";

    private readonly ServiceSpec spec;
    private readonly ServiceModel model;
    private readonly Dictionary<string, string> files = new(StringComparer.Ordinal);

    /// <summary>Shape name → class name for operation inputs and outputs (OperationName + Request/Response).</summary>
    private readonly Dictionary<string, string> operationShapeNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> inputShapes = new(StringComparer.Ordinal);
    private readonly HashSet<string> outputShapes = new(StringComparer.Ordinal);

    /// <summary>Every shape reachable from the operations' inputs and outputs.</summary>
    private readonly SortedSet<string> reachable = new(StringComparer.Ordinal);

    /// <summary>Shapes reachable from inputs only, so the Query serializer writes just what can be sent.</summary>
    private readonly SortedSet<string> reachableFromInputs = new(StringComparer.Ordinal);

    /// <summary>Error shapes of the operations, by class name.</summary>
    private readonly SortedDictionary<string, ShapeModel> errors = new(StringComparer.Ordinal);

    public ServiceGenerator(ServiceSpec spec, ServiceModel model)
    {
        this.spec = spec;
        this.model = spec.OfficialNames.ExcludedMembers is null ? model : model.WithoutMembers(spec.OfficialNames.IsExcluded);
    }

    private bool IsJson => spec.Protocol == WireProtocol.Json11;

    /// <summary>Runs the generator and returns file path (relative to the service folder) → content.</summary>
    public IReadOnlyDictionary<string, string> Generate()
    {
        Analyze();
        foreach (var shapeName in reachable)
        {
            var shape = model.Shapes[shapeName];
            if (shape.Type == "structure" && !shape.IsException)
            {
                EmitStructure(shape);
            }
        }

        foreach (var operationName in spec.Operations)
        {
            var operation = model.Operations[operationName];
            if (operation.Input is null)
            {
                EmitEmptyClass(operationName + "Request", $"{spec.Namespace}.{spec.RequestBaseName}");
            }

            if (operation.Output is null)
            {
                EmitEmptyClass(operationName + "Response", "Amazon.Runtime.AmazonWebServiceResponse");
            }
        }

        EmitEnums();
        EmitExceptions();
        EmitRequestBase();
        EmitConfig();
        EmitClient();
        EmitPaginators();
        switch (spec.Protocol)
        {
            case WireProtocol.Json11:
                EmitJsonContext();
                break;
            case WireProtocol.Query:
            case WireProtocol.Ec2:
                EmitQuerySerializer();
                EmitXmlReader();
                break;
            case WireProtocol.RestXml:
                EmitRestXml();
                break;
            default:
                throw new InvalidOperationException($"{spec.ModelName}: no generator for protocol {spec.Protocol}");
        }

        return files;
    }

    private void Analyze()
    {
        foreach (var operationName in spec.Operations)
        {
            if (!model.Operations.TryGetValue(operationName, out var operation))
            {
                throw new InvalidOperationException($"{spec.ModelName}: operation {operationName} is not in the model");
            }

            if (operation.Input is { } input)
            {
                MapOperationShape(input, operationName + "Request");
                inputShapes.Add(input);
                Walk(input, reachable);
                Walk(input, reachableFromInputs);
            }

            if (operation.Output is { } output)
            {
                MapOperationShape(output, operationName + "Response");
                outputShapes.Add(output);
                Walk(output, reachable);
            }

            foreach (var error in operation.Errors)
            {
                errors[Naming.Exception(error)] = model.Shapes[error];
            }
        }

        // The official SDK names operation shapes after the operation; that only works when they are not also nested.
        foreach (var shapeName in reachable)
        {
            var shape = model.Shapes[shapeName];
            foreach (var member in shape.Members)
            {
                if (operationShapeNames.ContainsKey(member.Target))
                {
                    throw new InvalidOperationException($"{spec.ModelName}: operation shape {member.Target} is also used as a member of {shapeName}");
                }
            }
        }
    }

    private void MapOperationShape(string shapeName, string className)
    {
        if (operationShapeNames.TryGetValue(shapeName, out var existing) && existing != className)
        {
            throw new InvalidOperationException($"{spec.ModelName}: shape {shapeName} is the input or output of two operations ({existing}, {className})");
        }

        operationShapeNames[shapeName] = className;
    }

    private void Walk(string shapeName, SortedSet<string> into)
    {
        if (!into.Add(shapeName))
        {
            return;
        }

        var shape = model.Shapes[shapeName];
        foreach (var member in shape.Members)
        {
            Walk(member.Target, into);
        }

        foreach (var target in new[] { shape.ListMember, shape.MapKey, shape.MapValue })
        {
            if (target is not null)
            {
                Walk(target, into);
            }
        }
    }

    /// <summary>The class name of a structure shape, honouring the OperationName + Request/Response rule.</summary>
    private string ClassName(string shapeName) =>
        operationShapeNames.TryGetValue(shapeName, out var name) ? name : spec.OfficialNames.ClassName(shapeName);

    /// <summary>The property of a member, honouring the official SDK's renames.</summary>
    private string PropertyName(ShapeModel shape, MemberModel member) => spec.OfficialNames.PropertyName(shape.Name, member.Name);

    /// <summary>Fully qualified C# type of a shape. Members use nullable value types; list and map elements do not,
    /// and enums inside collections are plain strings (both as in the official SDK).</summary>
    private string CsType(string shapeName, bool asMember)
    {
        var shape = model.Shapes[shapeName];
        var nullable = asMember ? "?" : string.Empty;
        return shape.Type switch
        {
            "string" when shape.IsEnum && asMember => $"global::{spec.Namespace}.{Naming.Type(shapeName)}?",
            "string" => "string" + nullable,
            "integer" => "int" + nullable,
            "long" => "long" + nullable,
            "double" => "double" + nullable,
            "float" => "float" + nullable,
            "boolean" => "bool" + nullable,
            "timestamp" => "global::System.DateTime" + nullable,
            "blob" => "global::System.IO.MemoryStream" + nullable,
            "list" => $"global::System.Collections.Generic.List<{CsType(shape.ListMember!, asMember: false)}>{nullable}",
            "map" => $"global::System.Collections.Generic.Dictionary<{CsType(shape.MapKey!, asMember: false)}, {CsType(shape.MapValue!, asMember: false)}>{nullable}",
            "structure" => $"global::{spec.ModelNamespace}.{ClassName(shapeName)}{nullable}",
            _ => throw new InvalidOperationException($"{spec.ModelName}: shape {shapeName} has unsupported type {shape.Type}"),
        };
    }

    private static string WireName(MemberModel member) => member.LocationName ?? member.Name;

    private void AddFile(string relativePath, CodeWriter writer) => files[relativePath] = writer.ToString();

    private void EmitStructure(ShapeModel shape)
    {
        var className = ClassName(shape.Name);
        var baseClass = inputShapes.Contains(shape.Name)
            ? $" : global::{spec.Namespace}.{spec.RequestBaseName}"
            : outputShapes.Contains(shape.Name) ? " : global::Amazon.Runtime.AmazonWebServiceResponse" : string.Empty;
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.ModelNamespace};");
        w.Line();
        w.Open($"public partial class {className}{baseClass}");
        var first = true;
        foreach (var member in shape.Members)
        {
            var property = PropertyName(shape, member);
            if (property == className)
            {
                throw new InvalidOperationException($"{spec.ModelName}: member {member.Name} has the name of its class {className}");
            }

            if (outputShapes.Contains(shape.Name) && property is "ResponseMetadata" or "ContentLength" or "HttpStatusCode")
            {
                throw new InvalidOperationException($"{spec.ModelName}: member {shape.Name}.{member.Name} clashes with AmazonWebServiceResponse");
            }

            if (!first)
            {
                w.Line();
            }

            first = false;
            if (IsJson)
            {
                w.Line($"[{Stj}JsonPropertyName({Naming.Literal(WireName(member))})]");
                var target = model.Shapes[member.Target];
                if (target.Type == "timestamp")
                {
                    w.Line($"[{Stj}JsonConverter(typeof({Ser}EpochSecondsDateTimeConverter))]");
                }
                else if (target.Type == "blob")
                {
                    w.Line($"[{Stj}JsonConverter(typeof({Ser}Base64MemoryStreamConverter))]");
                }
                else if (target.Type is "list" or "map" && ContainsTimestampOrBlob(member.Target))
                {
                    throw new InvalidOperationException($"{spec.ModelName}: {shape.Name}.{member.Name} holds timestamps or blobs inside a collection; add a converter");
                }
            }

            w.Line($"public {CsType(member.Target, asMember: true)} {property} {{ get; set; }}");
        }

        EmitConstructors(w, shape, className);
        w.Close();
        AddFile($"Model/{className}.cs", w);
    }

    private bool ContainsTimestampOrBlob(string shapeName)
    {
        var shape = model.Shapes[shapeName];
        return shape.Type switch
        {
            "timestamp" or "blob" => true,
            "list" => ContainsTimestampOrBlob(shape.ListMember!),
            "map" => ContainsTimestampOrBlob(shape.MapValue!),
            _ => false,
        };
    }

    private void EmitEmptyClass(string className, string baseClass)
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.ModelNamespace};");
        w.Line();
        w.Open($"public partial class {className} : global::{baseClass}");
        w.Close();
        AddFile($"Model/{className}.cs", w);
    }

    private void EmitEnums()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        var any = false;
        foreach (var shapeName in reachable)
        {
            var shape = model.Shapes[shapeName];
            if (!shape.IsEnum)
            {
                continue;
            }

            any = true;
            var name = Naming.Type(shapeName);
            w.Line();
            w.Line($"[{Stj}JsonConverter(typeof({Ser}ConstantClassJsonConverter<{name}>))]");
            w.Open($"public partial class {name} : global::Amazon.Runtime.ConstantClass, {Ser}IConstantClassFactory<{name}>");
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in shape.Enum)
            {
                var field = Naming.EnumMember(value);
                if (field == name)
                {
                    field += "Value";
                }

                while (!used.Add(field))
                {
                    field += "_";
                }

                w.Line($"public static readonly {name} {field} = new({Naming.Literal(value)});");
            }

            w.Line();
            w.Constructor($"public {name}(string value)", ": base(value)");
            w.Line();
            w.Line($"/// <summary>The constant with this value (case-insensitive), or a new instance for a value this version does not know.</summary>");
            w.Line($"public static {name} FindValue(string value) => FindValue<{name}>(value);");
            w.Line();
            w.Line($"public static implicit operator {name}(string value) => FindValue(value);");
            w.Close();
        }

        if (any)
        {
            AddFile("ServiceEnumerations.cs", w);
        }
    }

    /// <summary>Errors every AWS service may return although few models list them; callers branch on them.</summary>
    private static readonly (string ClassName, string[] Codes)[] CommonErrors =
    [
        ("AccessDeniedException", ["AccessDeniedException", "AccessDenied"]),
        ("ThrottlingException", ["ThrottlingException", "Throttling"]),
    ];

    private void EmitExceptions()
    {
        var w = CodeWriter.Generated();
        w.Line("using global::System.Net;");
        w.Line("using global::Amazon.Runtime;");
        w.Line();
        w.Line($"namespace {spec.Namespace}");
        w.Line("{");
        w.Line("    /// <summary>Base class for every error this service returns; catch <see cref=\"AmazonServiceException\"/> to handle all AWS services alike.</summary>");
        EmitExceptionClass(w, spec.ExceptionName, "AmazonServiceException", indent: true);
        w.Line();
        w.Line("    /// <summary>Maps the error code of a failed call to the typed exception (the base type for unmodeled codes).</summary>");
        w.Line($"    internal static class {spec.Prefix}ErrorFactory");
        w.Line("    {");
        w.Line($"        public static AmazonServiceException Create({Rt}AwsServiceError error) => error.Code switch");
        w.Line("        {");
        var mapped = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (className, shape) in errors)
        {
            mapped[shape.Name] = className;
            if (!IsJson && shape.ErrorCode is { } code)
            {
                mapped[code] = className;
            }
        }

        var classes = new SortedSet<string>(errors.Keys, StringComparer.Ordinal);
        foreach (var (className, codes) in CommonErrors)
        {
            classes.Add(className);
            foreach (var code in codes)
            {
                mapped.TryAdd(code, className);
            }
        }

        foreach (var (code, className) in mapped)
        {
            w.Line($"            {Naming.Literal(code)} => new global::{spec.ModelNamespace}.{className}(error.Message, error.InnerException, error.Type, error.Code, error.RequestId, error.StatusCode),");
        }

        w.Line($"            _ => new {spec.ExceptionName}(error.Message, error.InnerException, error.Type, error.Code, error.RequestId, error.StatusCode),");
        w.Line("        };");
        w.Line("    }");
        w.Line("}");
        w.Line();
        w.Line($"namespace {spec.ModelNamespace}");
        w.Line("{");
        var firstClass = true;
        foreach (var className in classes)
        {
            if (!firstClass)
            {
                w.Line();
            }

            firstClass = false;
            EmitExceptionClass(w, className, $"global::{spec.Namespace}.{spec.ExceptionName}", indent: true);
        }

        w.Line("}");
        AddFile($"{spec.ExceptionName}.cs", w);
    }

    private static void EmitExceptionClass(CodeWriter w, string className, string baseClass, bool indent)
    {
        var p = indent ? "    " : string.Empty;
        w.Line($"{p}public partial class {className} : {baseClass}");
        w.Line($"{p}{{");
        w.Line($"{p}    public {className}()");
        w.Line($"{p}    {{");
        w.Line($"{p}    }}");
        w.Line();
        w.Line($"{p}    public {className}(string message)");
        w.Line($"{p}        : base(message)");
        w.Line($"{p}    {{");
        w.Line($"{p}    }}");
        w.Line();
        w.Line($"{p}    public {className}(string message, global::System.Exception? innerException)");
        w.Line($"{p}        : base(message, innerException)");
        w.Line($"{p}    {{");
        w.Line($"{p}    }}");
        w.Line();
        w.Line($"{p}    public {className}(string message, global::System.Exception? innerException, ErrorType errorType, string? errorCode, string? requestId, HttpStatusCode statusCode)");
        w.Line($"{p}        : base(message, innerException, errorType, errorCode, requestId, statusCode)");
        w.Line($"{p}    {{");
        w.Line($"{p}    }}");
        w.Line($"{p}}}");
    }

    private void EmitRequestBase()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Line("/// <summary>Base class of every request of this service (one CLR type per operation, so SDK metrics and traces name the operation).</summary>");
        w.Open($"public abstract partial class {spec.RequestBaseName} : global::Amazon.Runtime.AmazonWebServiceRequest");
        w.Close();
        AddFile($"{spec.RequestBaseName}.cs", w);
    }

    private void EmitJsonContext()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        // Metadata only: AwsJsonSerializer adds converters and a contract modifier, with which System.Text.Json never
        // takes the generated fast-path serializers; generating them cost 0.6 MB of precompiled code for nothing.
        w.Line($"[{Stj}JsonSourceGenerationOptions(DefaultIgnoreCondition = {Stj}JsonIgnoreCondition.WhenWritingNull, GenerationMode = {Stj}JsonSourceGenerationMode.Metadata)]");
        foreach (var className in AllModelClasses())
        {
            w.Line($"[{Stj}JsonSerializable(typeof(global::{spec.ModelNamespace}.{className}))]");
        }

        w.Open($"internal sealed partial class {spec.Prefix}JsonContext : global::System.Text.Json.Serialization.JsonSerializerContext");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// This service's JSON wire format (the AWS CLI's <c>--cli-input-json</c> format too): exact member names, nulls omitted,");
        w.Line("/// timestamps as epoch seconds, unknown members ignored on read, a <see cref=\"global::System.Text.Json.JsonException\"/> with the path on wrong types.");
        w.Line("/// </summary>");
        w.Open($"public static partial class {spec.JsonHelper}");
        w.Line($"internal static {Ser}AwsJsonSerializer Serializer {{ get; }} = new({spec.Prefix}JsonContext.Default);");
        w.Line();
        w.Line("public static string Serialize<T>(T value, bool indented = false) => Serializer.Serialize(value, indented);");
        w.Line();
        w.Line("public static T Deserialize<T>(string json) => Serializer.Deserialize<T>(json);");
        w.Line();
        w.Line("public static T Deserialize<T>(global::System.IO.Stream json) => Serializer.Deserialize<T>(json);");
        w.Close();
        AddFile($"{spec.Prefix}JsonContext.cs", w);
    }

    private SortedSet<string> AllModelClasses()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var shapeName in reachable)
        {
            var shape = model.Shapes[shapeName];
            if (shape.Type == "structure" && !shape.IsException)
            {
                names.Add(ClassName(shapeName));
            }
        }

        foreach (var operationName in spec.Operations)
        {
            names.Add(operationName + "Request");
            names.Add(operationName + "Response");
        }

        return names;
    }
}
