using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.Conformance;

/// <summary>
/// Moves values between model-shaped JSON documents and our generated objects by reflection, following the model
/// (member → property by the official naming rule). Independent of our serializers, so it can check them.
/// </summary>
internal sealed class ObjectMapper
{
    private readonly AwsModel model;
    private readonly Func<string, string, string> propertyName;
    private readonly Func<string, bool> excludedMember;

    /// <param name="propertyName">Shape and member name → property name: the official rule, unless the service's
    /// official names say otherwise (EC2's <c>IpPermission.IpRanges</c> is <c>Ipv4Ranges</c>).</param>
    /// <param name="excludedMember">Members the official SDK leaves out (EC2's DryRun): no property is expected.</param>
    public ObjectMapper(AwsModel model, Func<string, string, string>? propertyName = null, Func<string, bool>? excludedMember = null)
    {
        this.model = model;
        this.propertyName = propertyName ?? ((_, member) => PropertyName(member));
        this.excludedMember = excludedMember ?? (_ => false);
    }

    public static string PropertyName(string member) => char.ToUpperInvariant(member[0]) + member[1..];

    public object? FromJson(JsonNode? node, string shapeName, Type type)
    {
        if (node is null)
        {
            return null;
        }

        var shape = model.Shape(shapeName);
        var target = Nullable.GetUnderlyingType(type) ?? type;
        switch ((string)shape["type"]!)
        {
            case "structure":
            {
                var instance = Activator.CreateInstance(target)!;
                foreach (var (name, member, definition) in AwsModel.Members(shape).Where(m => !excludedMember(m.Name)))
                {
                    var property = Property(target, shapeName, name);
                    property.SetValue(instance, FromJson(node[AwsModel.WireName(name, definition)], member, property.PropertyType));
                }

                return instance;
            }

            case "list":
            {
                var list = (IList)Activator.CreateInstance(target)!;
                var itemType = target.GetGenericArguments()[0];
                foreach (var item in node.AsArray())
                {
                    list.Add(FromJson(item, (string)shape["member"]!["shape"]!, itemType));
                }

                return list;
            }

            case "map":
            {
                var map = (IDictionary)Activator.CreateInstance(target)!;
                var valueType = target.GetGenericArguments()[1];
                foreach (var (key, value) in node.AsObject())
                {
                    map[key] = FromJson(value, (string)shape["value"]!["shape"]!, valueType);
                }

                return map;
            }

            case "string" when typeof(ConstantClass).IsAssignableFrom(target):
                return target.GetMethod("FindValue", BindingFlags.Public | BindingFlags.Static, [typeof(string)])!.Invoke(null, [node.GetValue<string>()]);
            case "string":
                return node.GetValue<string>();
            case "integer":
                return node.GetValue<int>();
            case "long":
                return node.GetValue<long>();
            case "double":
                return node.GetValue<double>();
            case "float":
                return node.GetValue<float>();
            case "boolean":
                return node.GetValue<bool>();
            case "timestamp":
                return DateTime.UnixEpoch.AddMilliseconds((double)(node.GetValue<decimal>() * 1000m));
            case "blob":
                return new MemoryStream(Convert.FromBase64String(node.GetValue<string>()));
            default:
                throw new NotSupportedException(shapeName);
        }
    }

    public JsonNode? ToJson(object? value, string shapeName)
    {
        if (value is null)
        {
            return null;
        }

        var shape = model.Shape(shapeName);
        switch ((string)shape["type"]!)
        {
            case "structure":
            {
                var result = new JsonObject();
                foreach (var (name, member, definition) in AwsModel.Members(shape).Where(m => !excludedMember(m.Name)))
                {
                    var child = ToJson(Property(value.GetType(), shapeName, name).GetValue(value), member);
                    if (child is not null)
                    {
                        result[AwsModel.WireName(name, definition)] = child;
                    }
                }

                return result;
            }

            case "list":
                return new JsonArray([.. ((IEnumerable)value).Cast<object?>().Select(item => ToJson(item, (string)shape["member"]!["shape"]!))]);
            case "map":
            {
                var result = new JsonObject();
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    result[(string)entry.Key] = ToJson(entry.Value, (string)shape["value"]!["shape"]!);
                }

                return result;
            }

            case "string":
                return JsonValue.Create(value is ConstantClass constant ? constant.Value : (string)value);
            case "integer":
                return JsonValue.Create((int)value);
            case "long":
                return JsonValue.Create((long)value);
            case "double":
                return JsonValue.Create((double)value);
            case "float":
                return JsonValue.Create((double)(float)value);
            case "boolean":
                return JsonValue.Create((bool)value);
            case "timestamp":
                var time = (DateTime)value;
                Assert.AreEqual(DateTimeKind.Utc, time.Kind, $"{shapeName} must be UTC");
                return JsonValue.Create((time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond / 1000m);
            case "blob":
                return JsonValue.Create(Convert.ToBase64String(((MemoryStream)value).ToArray()));
            default:
                throw new NotSupportedException(shapeName);
        }
    }

    private PropertyInfo Property(Type type, string shapeName, string member) =>
        type.GetProperty(propertyName(shapeName, member), BindingFlags.Public | BindingFlags.Instance)
        ?? throw new AssertFailedException($"{type.Name} has no property {propertyName(shapeName, member)} for model member {member}");

    /// <summary>Canonical text for comparing JSON documents whatever .NET types built them.</summary>
    public static string Canonical(JsonNode? node) => node is null ? "null" : JsonNode.Parse(node.ToJsonString())!.ToJsonString();

    public static string Iso8601(decimal epochSeconds) =>
        DateTime.UnixEpoch.AddMilliseconds((double)(epochSeconds * 1000m)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
