namespace EcsBuildTasks.Tools.AwsShapeGenerator;

/// <summary>The official SDK's convenience constructors (<c>new Filter("vpc-id", ["vpc-1"])</c>), where it has them.</summary>
internal sealed partial class ServiceGenerator
{
    private void EmitConstructors(CodeWriter w, ShapeModel shape, string className)
    {
        if (spec.OfficialNames.Constructors is null || !spec.OfficialNames.Constructors.TryGetValue(className, out var forms))
        {
            return;
        }

        w.Line();
        w.Line($"public {className}()");
        w.Line("{");
        w.Line("}");
        foreach (var form in forms)
        {
            var members = form.Select(name => shape.Members.FirstOrDefault(m => m.Name == name)
                ?? throw new InvalidOperationException($"{spec.ModelName}: constructor of {className} names {name}, which {shape.Name} lacks")).ToArray();
            var parameters = members.Select(m => $"{CsType(m.Target, asMember: true).TrimEnd('?')} {ParameterName(m)}");
            w.Line();
            w.Open($"public {className}({string.Join(", ", parameters)})");
            foreach (var member in members)
            {
                w.Line($"{PropertyName(shape, member)} = {ParameterName(member)};");
            }

            w.Close();
        }
    }

    private static string ParameterName(MemberModel member) => char.ToLowerInvariant(member.Name[0]) + member.Name[1..];
}
