using EcsBuildTasks.Tools.AwsShapeGenerator;

// Usage: AwsShapeGenerator [--models DIR] [--out DIR]
//   --models  the botocore models (default: ../shared/aws-models beside the repository)
//   --out     the folder that holds one folder per service (default: src/EcsBuildTasks.Aws in the repository)
string? models = null;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--models" when i + 1 < args.Length:
            models = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        default:
            Console.Error.WriteLine($"Unknown argument {args[i]}. Usage: AwsShapeGenerator [--models DIR] [--out DIR]");
            return 2;
    }
}

var repository = Generator.FindRepositoryRoot(Environment.CurrentDirectory) ?? Generator.FindRepositoryRoot(AppContext.BaseDirectory);
models ??= repository is null ? null : Path.GetFullPath(Path.Combine(repository, "..", "shared", "aws-models"));
output ??= repository is null ? null : Path.Combine(repository, "src", "EcsBuildTasks.Aws");
if (models is null || output is null || !Directory.Exists(models))
{
    Console.Error.WriteLine($"AWS models not found ({models ?? "no repository found"}); pass --models and --out.");
    return 1;
}

var written = Generator.WriteAll(models, output);
Console.WriteLine($"Wrote {written} files under {output}");
return 0;
