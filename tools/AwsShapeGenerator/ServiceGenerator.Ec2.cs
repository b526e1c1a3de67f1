namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>
/// EC2's dialect of the Query protocol, as botocore's EC2 serializer writes it: a member's parameter name is its
/// <c>queryName</c>, else its <c>locationName</c> with the first letter upper-cased, else its name; lists are
/// <c>Name.1</c>, <c>Name.2</c> (no <c>member</c> segment, the item's locationName unused) and an empty list sends
/// nothing. Responses are read by the Query reader: EC2 elements carry the locationName and list items are
/// <c>&lt;item&gt;</c>, which the model states; only the missing Result wrapper differs (handled by the runtime).
/// </summary>
internal sealed partial class ServiceGenerator
{
    /// <summary>The parameter name of a member in a Query or EC2 request.</summary>
    private string QueryKey(MemberModel member)
    {
        if (spec.Protocol != WireProtocol.Ec2)
        {
            return WireName(member);
        }

        if (member.QueryName is { } queryName)
        {
            return queryName;
        }

        return member.LocationName is { Length: > 0 } location
            ? char.ToUpperInvariant(location[0]) + location[1..]
            : member.Name;
    }

    private void EmitEc2List(CodeWriter w, ShapeModel shape, string value, string key, int depth)
    {
        var d = depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        w.Open($"for (var i{d} = 0; i{d} < {value}.Count; i{d}++)");
        w.Line($"var item{d} = {value}[i{d}];");
        EmitQueryValue(w, shape.ListMember!, $"item{d}", $"{key} + \".\" + {Ser}QueryWriter.Index(i{d})", false, depth + 1);
        w.Close();
    }
}
