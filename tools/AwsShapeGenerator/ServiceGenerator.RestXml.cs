using System.Globalization;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>
/// The rest-xml protocol (Route 53), following botocore's serializer and parser: URI labels, query parameters and
/// headers from the members that name those locations; the other members as an XML document whose root is the
/// input's <c>locationName</c> in its <c>xmlNamespace</c> (lists wrapped in their element, items named by the list's
/// member); responses read from headers, the status and the document's root; errors' own members (Route 53's
/// <c>InvalidChangeBatch</c> messages) onto the typed exceptions.
/// </summary>
internal sealed partial class ServiceGenerator
{
    private RestXmlModel Rest => model.RestXml ?? throw new InvalidOperationException($"{spec.ModelName}: the model does not speak rest-xml");

    private void EmitRestXml()
    {
        EmitRestXmlSerializer();
        EmitRestXmlReader();
        EmitRestXmlErrorMembers();
    }

    private void EmitRestXmlOperation(CodeWriter w, string op)
    {
        var http = Rest.Http[op];
        w.Line($"public static readonly {Rt}RestXmlOperation<{M(op + "Request")}, {M(op + "Response")}> {op} = new(");
        w.Line($"    {spec.ConfigName}.Descriptor, {Naming.Literal(op)}, {Naming.Literal(http.Method)}, {Naming.Literal(http.RequestUri)},");
        w.Line($"    {spec.Prefix}RestXmlSerializer.Write{op}, {spec.Prefix}RestXmlReader.Read{op}, {spec.Prefix}ErrorFactory.Create, {spec.Prefix}RestXmlReader.ReadErrorMembers);");
    }

    private IEnumerable<MemberModel> BodyMembers(ShapeModel shape) =>
        shape.Members.Where(m => Rest.Member(shape.Name, m.Name).Location == MemberLocation.Body);

    private void EmitRestXmlSerializer()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Open($"internal static class {spec.Prefix}RestXmlSerializer");
        var first = true;
        foreach (var op in spec.Operations)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var http = Rest.Http[op];
            var input = model.Operations[op].Input;
            w.Line("/// <summary>Sets the request's URI labels, query parameters and headers, and writes its XML document.</summary>");
            w.Open($"public static void Write{op}({M(op + "Request")} value, {Rt}RestXmlRequestWriter request)");
            if (input is not null)
            {
                var shape = model.Shapes[input];
                if (Rest.Payloads.ContainsKey(input))
                {
                    throw new InvalidOperationException($"{spec.ModelName}: {op} sends a payload member; add payload support to the rest-xml generator");
                }

                var index = 0;
                foreach (var member in shape.Members)
                {
                    EmitRequestLocationMember(w, shape, member, index++, http.RequestUri);
                }

                var body = BodyMembers(shape).ToList();
                if (body.Count > 0)
                {
                    // As botocore: a document only when at least one body member is set.
                    var root = http.InputRootName ?? input;
                    var ns = http.InputXmlNamespace is null ? "null" : Naming.Literal(http.InputXmlNamespace);
                    w.Open($"if ({string.Join(" || ", body.Select(m => $"value.{PropertyName(shape, m)} is not null"))})");
                    w.Line($"request.WriteBody({Naming.Literal(root)}, {ns}, writer => Write{ClassName(input)}(writer, value));");
                    w.Close();
                }
            }

            w.Close();
        }

        foreach (var shapeName in reachableFromInputs)
        {
            var shape = model.Shapes[shapeName];
            if (shape.Type != "structure" || shape.IsException)
            {
                continue;
            }

            var members = BodyMembers(shape).ToList();
            if (inputShapes.Contains(shapeName) && members.Count == 0)
            {
                continue;
            }

            var className = ClassName(shapeName);
            w.Line();
            w.Line("/// <summary>Writes the members that are set as child elements of the element the caller opened.</summary>");
            w.Open($"internal static void Write{className}(global::System.Xml.XmlWriter writer, {M(className)} value)");
            foreach (var member in members)
            {
                if (Rest.Member(shapeName, member.Name).XmlAttribute)
                {
                    throw new InvalidOperationException($"{spec.ModelName}: {shapeName}.{member.Name} is an XML attribute; add attribute support to the rest-xml generator");
                }

                w.Line(XmlBodyWrite("writer", member.Target, $"value.{PropertyName(shape, member)}", WireName(member), member.Flattened, member.TimestampFormat, depth: 0, inputMember: inputShapes.Contains(shapeName)) + ";");
            }

            w.Close();
        }

        w.Close();
        AddFile($"{spec.Prefix}RestXmlSerializer.cs", w);
    }

    /// <summary>A URI label, query parameter or header member of an operation's input.</summary>
    private void EmitRequestLocationMember(CodeWriter w, ShapeModel shape, MemberModel member, int index, string requestUri)
    {
        var binding = Rest.Member(shape.Name, member.Name);
        var property = PropertyName(shape, member);
        var target = model.Shapes[member.Target];
        var variable = "p" + index.ToString(CultureInfo.InvariantCulture);
        switch (binding.Location)
        {
            case MemberLocation.Body:
                return;
            case MemberLocation.Uri:
            {
                if (target.Type is "list" or "map" or "structure" or "blob")
                {
                    throw new InvalidOperationException($"{spec.ModelName}: URI label {shape.Name}.{member.Name} of type {target.Type}");
                }

                // {Key+} labels keep their slashes; the SDK encodes the rest when it builds the URI.
                var label = requestUri.Contains("{" + binding.WireName + "+}", StringComparison.Ordinal) ? binding.WireName + "+" : binding.WireName;
                if (!requestUri.Contains("{" + label + "}", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{spec.ModelName}: {shape.Name}.{member.Name} names URI label {label}, which {requestUri} lacks");
                }

                var formatted = FormatScalar(member.Target, variable, MemberLocation.Uri, member.TimestampFormat);
                w.Line($"request.SetLabel({Naming.Literal(label)}, {Naming.Literal(property)}, value.{property} is {{ }} {variable} ? {formatted} : null);");
                return;
            }

            case MemberLocation.QueryString:
                w.Open($"if (value.{property} is {{ }} {variable})");
                switch (target.Type)
                {
                    case "list":
                        w.Line($"request.AddQuery({Naming.Literal(binding.WireName)}, {variable}.ConvertAll(item => {FormatScalar(target.ListMember!, "item", MemberLocation.QueryString, null, inCollection: true)}));");
                        break;
                    case "map":
                        // A map of query parameters: each entry is a parameter of its own (botocore).
                        w.Open($"foreach (var entry in {variable})");
                        w.Line($"request.AddQuery(entry.Key, {FormatScalar(target.MapValue!, "entry.Value", MemberLocation.QueryString, null, inCollection: true)});");
                        w.Close();
                        break;
                    default:
                        w.Line($"request.AddQuery({Naming.Literal(binding.WireName)}, {FormatScalar(member.Target, variable, MemberLocation.QueryString, member.TimestampFormat)});");
                        break;
                }

                w.Close();
                return;
            case MemberLocation.Header:
                w.Open($"if (value.{property} is {{ }} {variable})");
                w.Line(target.Type == "list"
                    ? $"request.SetHeader({Naming.Literal(binding.WireName)}, string.Join(\",\", {variable}.ConvertAll(item => {FormatScalar(target.ListMember!, "item", MemberLocation.Header, null, inCollection: true)})));"
                    : $"request.SetHeader({Naming.Literal(binding.WireName)}, {FormatScalar(member.Target, variable, MemberLocation.Header, member.TimestampFormat)});");
                w.Close();
                return;
            default:
                throw new InvalidOperationException($"{spec.ModelName}: {shape.Name}.{member.Name} has location {binding.Location} in a request");
        }
    }

    /// <summary>The text of a scalar in a URI, query string, header or XML body, in botocore's formats.</summary>
    /// <param name="inputMember">A member of an operation's input itself, where ids are trimmed (botocore trims those only).</param>
    private string FormatScalar(string shapeName, string value, MemberLocation location, string? timestampFormat, bool inCollection = false, bool inputMember = true)
    {
        var shape = model.Shapes[shapeName];
        var formatted = shape.Type switch
        {
            "timestamp" => (timestampFormat ?? (location == MemberLocation.Header ? "rfc822" : "iso8601")) switch
            {
                "rfc822" => $"{Ser}RestXmlValues.HttpDate({value})",
                "unixTimestamp" => $"{Ser}RestXmlValues.EpochSeconds({value})",
                _ => $"{Ser}RestXmlValues.Iso8601({value})",
            },
            "string" when !shape.IsEnum || inCollection => value,
            "string" or "integer" or "long" or "double" or "float" or "boolean" or "blob" => $"{Ser}RestXmlValues.Format({value})",
            _ => throw new InvalidOperationException($"{spec.ModelName}: {shapeName} ({shape.Type}) is not a scalar"),
        };

        // Route 53 ids as the service returns them (/hostedzone/Z…) are accepted and sent as their last segment.
        return spec.IdShapes?.Contains(shapeName) == true && inputMember && !inCollection
            ? $"{Ser}RestXmlValues.LastPathSegment({formatted})"
            : formatted;
    }

    /// <summary>
    /// The call that writes a body value (skipped when it is null) with the runtime's helpers
    /// (<c>RestXmlWriting</c>): one statement per member instead of the same checks and element writes each time.
    /// </summary>
    private string XmlBodyWrite(string writer, string shapeName, string value, string elementName, bool memberFlattened, string? timestampFormat, int depth, bool inputMember = false)
    {
        var shape = model.Shapes[shapeName];
        var d = depth.ToString(CultureInfo.InvariantCulture);
        var name = Naming.Literal(elementName);
        switch (shape.Type)
        {
            case "structure":
                return $"{Ser}RestXmlWriting.WriteStructure({writer}, {name}, {value}, Write{ClassName(shapeName)})";
            case "list":
            {
                var flattened = memberFlattened || shape.Flattened;
                var itemName = shape.ListMemberLocationName ?? (flattened ? elementName : "member");
                var item = XmlBodyWrite("w" + d, shape.ListMember!, "item" + d, itemName, false, null, depth + 1);
                return $"{Ser}RestXmlWriting.WriteList({writer}, {(flattened ? "null" : name)}, {value}, (w{d}, item{d}) => {item})";
            }

            case "map":
            {
                var flattened = memberFlattened || shape.Flattened;
                var key = XmlBodyWrite("w" + d, shape.MapKey!, "key" + d, shape.MapKeyLocationName ?? "key", false, null, depth + 1);
                var entry = XmlBodyWrite("w" + d, shape.MapValue!, "value" + d, shape.MapValueLocationName ?? "value", false, null, depth + 1);
                return $"{Ser}RestXmlWriting.WriteMap({writer}, {(flattened ? "null" : name)}, {Naming.Literal(flattened ? elementName : "entry")}, {value}, (w{d}, key{d}) => {key}, (w{d}, value{d}) => {entry})";
            }

            default:
            {
                // The helpers' overloads format strings, numbers, booleans, enums, blobs and ISO-8601 timestamps; anything
                // else (another timestamp format, an id sent as its last segment) is formatted here.
                var scalar = "s" + d;
                var formatted = FormatScalar(shapeName, scalar, MemberLocation.Body, timestampFormat, inCollection: depth > 0, inputMember: inputMember && depth == 0);
                var plain = formatted == scalar || formatted == $"{Ser}RestXmlValues.Format({scalar})" || (shape.Type == "timestamp" && formatted == $"{Ser}RestXmlValues.Iso8601({scalar})");
                return plain
                    ? $"{Ser}RestXmlWriting.WriteElement({writer}, {name}, {value})"
                    : $"{Ser}RestXmlWriting.WriteElement({writer}, {name}, {value} is {{ }} {scalar} ? {formatted} : null)";
            }
        }
    }

    private void EmitRestXmlReader()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Open($"internal static class {spec.Prefix}RestXmlReader");
        var first = true;
        foreach (var op in spec.Operations)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var output = model.Operations[op].Output;
            var response = M(op + "Response");
            w.Line("/// <summary>Reads the response: the members of the document's root element, then those in headers and the status.</summary>");
            if (output is null)
            {
                w.Line($"public static {response} Read{op}({Rt}RestXmlResponse response) => new();");
                continue;
            }

            var shape = model.Shapes[output];
            if (Rest.Payloads.ContainsKey(output))
            {
                throw new InvalidOperationException($"{spec.ModelName}: {op} answers with a payload member; add payload support to the rest-xml generator");
            }

            if (shape.Members.All(m => Rest.Member(output, m.Name).Location == MemberLocation.Body))
            {
                w.Line($"public static {response} Read{op}({Rt}RestXmlResponse response) => response.ReadBody(Read{ClassName(output)});");
                continue;
            }

            w.Open($"public static {response} Read{op}({Rt}RestXmlResponse response)");
            w.Line($"var value = response.ReadBody(Read{ClassName(output)});");
            var index = 0;
            foreach (var member in shape.Members)
            {
                var binding = Rest.Member(output, member.Name);
                var property = PropertyName(shape, member);
                var variable = "h" + index++.ToString(CultureInfo.InvariantCulture);
                switch (binding.Location)
                {
                    case MemberLocation.Header:
                        w.Open($"if (response.Header({Naming.Literal(binding.WireName)}) is {{ }} {variable})");
                        w.Line($"value.{property} = {ParseHeader(member.Target, variable)};");
                        w.Close();
                        break;
                    case MemberLocation.StatusCode:
                        w.Line($"value.{property} = response.StatusCode;");
                        break;
                    case MemberLocation.Body:
                        break;
                    default:
                        throw new InvalidOperationException($"{spec.ModelName}: {output}.{member.Name} has location {binding.Location} in a response");
                }
            }

            w.Line("return value;");
            w.Close();
        }

        // Readers for what responses and errors can hold.
        var readable = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var op in spec.Operations)
        {
            if (model.Operations[op].Output is { } output)
            {
                Walk(output, readable);
            }
        }

        foreach (var error in errors.Values)
        {
            Walk(error.Name, readable);
        }

        foreach (var shapeName in readable)
        {
            var shape = model.Shapes[shapeName];
            if (shape.Type != "structure" || shape.IsException)
            {
                continue;
            }

            var className = ClassName(shapeName);
            var members = BodyMembers(shape).ToList();
            w.Line();
            w.Open($"internal static {M(className)} Read{className}(global::System.Xml.Linq.XElement element)");
            w.Line($"var value = new {M(className)}();");
            if (members.Count > 0)
            {
                w.Open("foreach (var child in element.Elements())");
                w.Open("switch (child.Name.LocalName)");
                foreach (var member in members)
                {
                    var property = PropertyName(shape, member);
                    var target = model.Shapes[member.Target];
                    var flattened = target.Type == "list" && (member.Flattened || target.Flattened);
                    w.Line($"case {Naming.Literal(flattened ? target.ListMemberLocationName ?? WireName(member) : WireName(member))}:");
                    w.Line(flattened
                        ? $"    (value.{property} ??= []).Add({ReadExpression(target.ListMember!, "child", asMember: false, depth: 0)});"
                        : $"    value.{property} = {ReadExpression(member.Target, "child", asMember: true, depth: 0)};");
                    w.Line("    break;");
                }

                w.Close();
                w.Close();
            }

            w.Line();
            w.Line("return value;");
            w.Close();
        }

        EmitReadErrorMembers(w);
        w.Close();
        AddFile($"{spec.Prefix}RestXmlReader.cs", w);
    }

    private string ParseHeader(string shapeName, string text)
    {
        var shape = model.Shapes[shapeName];
        return shape.Type switch
        {
            "string" when shape.IsEnum => $"global::{spec.Namespace}.{Naming.Type(shapeName)}.FindValue({text})",
            "string" => text,
            "integer" => $"{Ser}RestXmlValues.ReadInt32({text})",
            "long" => $"{Ser}RestXmlValues.ReadInt64({text})",
            "double" => $"{Ser}RestXmlValues.ReadDouble({text})",
            "float" => $"{Ser}RestXmlValues.ReadSingle({text})",
            "boolean" => $"{Ser}RestXmlValues.ReadBoolean({text})",
            "timestamp" => $"{Ser}RestXmlValues.ReadTimestamp({text})",
            _ => throw new InvalidOperationException($"{spec.ModelName}: header member of type {shape.Type} ({shapeName})"),
        };
    }

    /// <summary>Exceptions whose shapes have members besides the message, with those members.</summary>
    private IEnumerable<(string ClassName, ShapeModel Shape, List<MemberModel> Members)> ErrorsWithMembers() =>
        errors.Select(e => (e.Key, e.Value, e.Value.Members.Where(m => !string.Equals(m.Name, "message", StringComparison.OrdinalIgnoreCase)).ToList()))
            .Where(e => e.Item3.Count > 0);

    private void EmitReadErrorMembers(CodeWriter w)
    {
        w.Line();
        w.Line("/// <summary>Sets the members an error's shape declares (besides its message) from the error element; names match ignoring case.</summary>");
        w.Open($"public static void ReadErrorMembers(global::Amazon.Runtime.AmazonServiceException exception, global::System.Xml.Linq.XElement error)");
        var withMembers = ErrorsWithMembers().ToList();
        if (withMembers.Count > 0)
        {
            w.Open("switch (exception)");
            foreach (var (className, shape, members) in withMembers)
            {
                w.Line($"case {M(className)} typed:");
                var index = 0;
                foreach (var member in members)
                {
                    var variable = "e" + index++.ToString(CultureInfo.InvariantCulture);
                    w.Line($"    if ({Ser}RestXmlValues.Child(error, {Naming.Literal(WireName(member))}, ignoreCase: true) is {{ }} {variable})");
                    w.Line("    {");
                    w.Line($"        typed.{PropertyName(shape, member)} = {ReadExpression(member.Target, variable, asMember: true, depth: 0)};");
                    w.Line("    }");
                    w.Line();
                }

                w.Line("    break;");
            }

            w.Close();
        }

        w.Close();
    }

    private void EmitRestXmlErrorMembers()
    {
        var withMembers = ErrorsWithMembers().ToList();
        if (withMembers.Count == 0)
        {
            return;
        }

        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.ModelNamespace};");
        foreach (var (className, shape, members) in withMembers)
        {
            w.Line();
            w.Open($"public partial class {className}");
            var first = true;
            foreach (var member in members)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line($"public {CsType(member.Target, asMember: true)} {PropertyName(shape, member)} {{ get; set; }}");
            }

            w.Close();
        }

        AddFile($"{spec.Prefix}ErrorMembers.cs", w);
    }
}
