using System.Text;

namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>The official AWS SDK for .NET naming rules, so that our types and members carry the same names.</summary>
internal static class Naming
{
    private static readonly HashSet<string> ConstantClassMembers = new(StringComparer.Ordinal)
    {
        "Value", "ToString", "Equals", "GetHashCode", "GetType", "FindValue", "Intern",
    };

    /// <summary>Model member name with the first letter upper-cased (the official property rule).</summary>
    public static string Property(string memberName) => char.ToUpperInvariant(memberName[0]) + memberName[1..];

    /// <summary>Class name of a structure or enum shape.</summary>
    public static string Type(string shapeName) => char.ToUpperInvariant(shapeName[0]) + shapeName[1..];

    /// <summary>Exception class name: the shape name, with "Exception" appended when the model leaves it off.</summary>
    public static string Exception(string shapeName)
    {
        var name = Type(shapeName);
        return name.EndsWith("Exception", StringComparison.Ordinal) ? name : name + "Exception";
    }

    /// <summary>
    /// Field name of an enum value: values written in upper case with digits and underscores stay as they are
    /// (<c>FARGATE</c>, <c>CODE_DEPLOY</c>, <c>IN_PROGRESS</c>); other values are split at every character that is
    /// not a letter or digit and the parts are joined with their first letters upper-cased
    /// (<c>awsvpc</c> → <c>Awsvpc</c>, <c>ecs:service:DesiredCount</c> → <c>EcsServiceDesiredCount</c>).
    /// </summary>
    public static string EnumMember(string value)
    {
        string name;
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            name = value;
        }
        else
        {
            var builder = new StringBuilder();
            foreach (var part in value.Split(c => !char.IsAsciiLetterOrDigit(c)))
            {
                builder.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
            }

            name = builder.ToString();
        }

        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "Value" + name;
        }

        // A field called Value would hide ConstantClass.Value; the official SDK resolves such clashes by customization.
        return ConstantClassMembers.Contains(name) ? name + "Value" : name;
    }

    private static IEnumerable<string> Split(this string value, Func<char, bool> isSeparator)
    {
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || isSeparator(value[i]))
            {
                if (i > start)
                {
                    yield return value[start..i];
                }

                start = i + 1;
            }
        }
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
