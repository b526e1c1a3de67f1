namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>
/// AWS Query protocol: form parameters for requests (botocore's rules: <c>Name.member.N</c> lists,
/// <c>Name.entry.N.key/value</c> maps, dotted structures, empty lists sent as <c>Name=</c>) and XML readers for
/// the <c>&lt;OperationResult&gt;</c> element of responses.
/// </summary>
internal sealed partial class ServiceGenerator
{
    private void EmitQuerySerializer()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Open($"internal static class {spec.Prefix}QuerySerializer");
        var first = true;
        foreach (var op in spec.Operations)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var input = model.Operations[op].Input;
            w.Open($"public static void Write{op}Request({M(op + "Request")} value, {Ser}QueryWriter writer)");
            if (input is not null)
            {
                w.Line($"Write{ClassName(input)}(value, string.Empty, writer);");
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

            var className = ClassName(shapeName);
            w.Line();
            w.Open($"internal static void Write{className}({M(className)} value, string prefix, {Ser}QueryWriter writer)");
            var index = 0;
            foreach (var member in shape.Members)
            {
                var variable = "m" + index++.ToString(System.Globalization.CultureInfo.InvariantCulture);
                w.Open($"if (value.{PropertyName(shape, member)} is {{ }} {variable})");
                EmitQueryValue(w, member.Target, variable, $"prefix + {Naming.Literal(QueryKey(member))}", member.Flattened, depth: 0);
                w.Close();
            }

            w.Close();
        }

        w.Close();
        AddFile($"{spec.Prefix}QuerySerializer.cs", w);
    }

    private void EmitQueryValue(CodeWriter w, string shapeName, string value, string key, bool memberFlattened, int depth)
    {
        var shape = model.Shapes[shapeName];
        var d = depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (shape.Type)
        {
            case "structure":
                w.Line($"Write{ClassName(shapeName)}({value}, {key} + \".\", writer);");
                break;
            case "list" when spec.Protocol == WireProtocol.Ec2:
                EmitEc2List(w, shape, value, key, depth);
                break;
            case "map" when spec.Protocol == WireProtocol.Ec2:
                throw new InvalidOperationException($"{spec.ModelName}: EC2 maps ({shapeName}) are not supported");
            case "list":
            {
                var flattened = memberFlattened || shape.Flattened;
                var itemName = shape.ListMemberLocationName ?? "member";
                w.Line($"// An empty list is sent as the bare name so that the service sees it as set but empty.");
                w.Open($"if ({value}.Count == 0)");
                w.Line($"writer.Add({key}, string.Empty);");
                w.Close();
                w.Open($"for (var i{d} = 0; i{d} < {value}.Count; i{d}++)");
                var itemKey = flattened
                    ? $"{key} + \".\" + {Ser}QueryWriter.Index(i{d})"
                    : $"{key} + {Naming.Literal("." + itemName + ".")} + {Ser}QueryWriter.Index(i{d})";
                w.Line($"var item{d} = {value}[i{d}];");
                EmitQueryValue(w, shape.ListMember!, $"item{d}", itemKey, false, depth + 1);
                w.Close();
                break;
            }

            case "map":
            {
                var entry = memberFlattened || shape.Flattened ? "." : ".entry.";
                var keyName = shape.MapKeyLocationName ?? "key";
                var valueName = shape.MapValueLocationName ?? "value";
                w.Line($"var n{d} = 0;");
                w.Open($"foreach (var entry{d} in {value})");
                w.Line($"n{d}++;");
                w.Line($"var entryKey{d} = {key} + {Naming.Literal(entry)} + n{d}.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \".\";");
                EmitQueryValue(w, shape.MapKey!, $"entry{d}.Key", $"entryKey{d} + {Naming.Literal(keyName)}", false, depth + 1);
                EmitQueryValue(w, shape.MapValue!, $"entry{d}.Value", $"entryKey{d} + {Naming.Literal(valueName)}", false, depth + 1);
                w.Close();
                break;
            }

            case "string" when shape.IsEnum && depth == 0:
                w.Line($"writer.Add({key}, (string){value});");
                break;
            default:
                w.Line($"writer.Add({key}, {value});");
                break;
        }
    }

    private void EmitXmlReader()
    {
        var w = CodeWriter.Generated();
        w.Line($"namespace {spec.Namespace};");
        w.Line();
        w.Open($"internal static class {spec.Prefix}XmlReader");
        var first = true;
        foreach (var op in spec.Operations)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var output = model.Operations[op].Output;
            var element = spec.Protocol == WireProtocol.Ec2 ? op + "Response" : op + "Result";
            w.Line("/// <summary>Reads the &lt;" + element + "&gt; element (null when the response has none).</summary>");
            w.Open($"public static {M(op + "Response")} Read{op}Result(global::System.Xml.Linq.XElement? result)");
            w.Line(output is null ? $"return new {M(op + "Response")}();" : $"return result is null ? new {M(op + "Response")}() : Read{ClassName(output)}(result);");
            w.Close();
        }

        foreach (var shapeName in reachable)
        {
            var shape = model.Shapes[shapeName];
            if (shape.Type != "structure" || shape.IsException)
            {
                continue;
            }

            var className = ClassName(shapeName);
            w.Line();
            w.Open($"internal static {M(className)} Read{className}(global::System.Xml.Linq.XElement element)");
            w.Line($"var value = new {M(className)}();");
            if (shape.Members.Count > 0)
            {
                w.Open("foreach (var child in element.Elements())");
                w.Open("switch (child.Name.LocalName)");
                foreach (var member in shape.Members)
                {
                    var property = PropertyName(shape, member);
                    var target = model.Shapes[member.Target];
                    w.Line($"case {Naming.Literal(WireName(member))}:");
                    if (target.Type == "list" && (member.Flattened || target.Flattened))
                    {
                        w.Line($"    (value.{property} ??= []).Add({ReadExpression(target.ListMember!, "child", asMember: false, depth: 0)});");
                    }
                    else
                    {
                        w.Line($"    value.{property} = {ReadExpression(member.Target, "child", asMember: true, depth: 0)};");
                    }

                    w.Line("    break;");
                }

                w.Close();
                w.Close();
            }

            w.Line();
            w.Line("return value;");
            w.Close();
        }

        w.Close();
        AddFile($"{spec.Prefix}XmlReader.cs", w);
    }

    private string ReadExpression(string shapeName, string element, bool asMember, int depth)
    {
        var shape = model.Shapes[shapeName];
        var x = "x" + depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return shape.Type switch
        {
            "string" when shape.IsEnum && asMember => $"global::{spec.Namespace}.{Naming.Type(shapeName)}.FindValue({Ser}XmlValues.ReadString({element}))",
            "string" => $"{Ser}XmlValues.ReadString({element})",
            "integer" => $"{Ser}XmlValues.ReadInt32({element})",
            "long" => $"{Ser}XmlValues.ReadInt64({element})",
            "double" => $"{Ser}XmlValues.ReadDouble({element})",
            "float" => $"{Ser}XmlValues.ReadSingle({element})",
            "boolean" => $"{Ser}XmlValues.ReadBoolean({element})",
            "timestamp" => $"{Ser}XmlValues.ReadTimestamp({element})",
            "blob" => $"{Ser}XmlValues.ReadBlob({element})",
            "structure" => $"Read{ClassName(shapeName)}({element})",
            "list" => $"{Ser}XmlValues.ReadList({element}, {Naming.Literal(shape.ListMemberLocationName ?? "member")}, {x} => {ReadExpression(shape.ListMember!, x, asMember: false, depth + 1)})",
            "map" when shape.Flattened => throw new InvalidOperationException($"{spec.ModelName}: flattened map {shapeName} is not supported"),
            "map" => $"{Ser}XmlValues.ReadMap({element}, \"entry\", {Naming.Literal(shape.MapKeyLocationName ?? "key")}, {Naming.Literal(shape.MapValueLocationName ?? "value")}, {x} => {ReadExpression(shape.MapKey!, x, asMember: false, depth + 1)}, {x} => {ReadExpression(shape.MapValue!, x, asMember: false, depth + 1)})",
            _ => throw new InvalidOperationException($"{spec.ModelName}: shape {shapeName} has unsupported type {shape.Type}"),
        };
    }
}
