using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;

namespace EcsBuildTasks.Tools.ReadyToRunProfile;

/// <summary>
/// Writes a .mibc file naming the methods to precompile, for <c>crossgen2 --partial --mibc FILE</c>.
/// </summary>
/// <remarks>
/// A .mibc file is an IL assembly whose global method <c>AssemblyDictionary</c> holds, per group of methods,
/// <c>ldstr "DefiningAssembly;"</c>, <c>ldtoken &lt;group method&gt;</c>, <c>pop</c>; each group method holds
/// <c>ldtoken &lt;method&gt;</c>, <c>pop</c> per method (the layout crossgen2's profile reader and dotnet-pgo's emitter
/// use). dotnet-pgo records such files from runtime traces; it is not a package we can install, and a deploy's hot path
/// is a plain list of methods, so this writes the same layout with <see cref="PersistedAssemblyBuilder"/>.
/// </remarks>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: ReadyToRunProfile METHODS.txt OUT.mibc ASSEMBLY-FOLDER [REFERENCE-FOLDER...]");
            return 2;
        }

        var (listFile, output, folder) = (args[0], args[1], args[2]);
        var names = File.ReadLines(listFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Distinct(StringComparer.Ordinal).ToList();
        var context = new FolderLoadContext([.. args.Skip(2)]);
        // The MSBuild task assembly is left to the JIT: its types derive from MSBuild's, which the package does not ship,
        // so crossgen2 cannot load them from a profile (and the thin task layer is little code).
        var assemblies = Directory.GetFiles(folder, "*.dll").Select(context.TryLoad).OfType<Assembly>()
            .Where(a => a.GetName().Name != "EcsBuildTasks").ToList();

        var methods = new List<MethodBase>();
        var unresolved = new List<string>();
        foreach (var name in names)
        {
            var found = Resolve(assemblies, name);
            if (found.Count == 0)
            {
                unresolved.Add(name);
            }

            methods.AddRange(found);
        }

        Write(output, methods);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ReadyToRunProfile: {methods.Count} methods of {names.Count - unresolved.Count} listed names written to {output}; {unresolved.Count} names not found"));
        foreach (var name in unresolved.Take(20))
        {
            Console.WriteLine($"  not found: {name}");
        }

        // A list recorded before a large rename finds little: record it again (tools/benchmarks/hot-methods.py).
        if (unresolved.Count * 5 > names.Count)
        {
            Console.Error.WriteLine("ReadyToRunProfile: error: more than a fifth of the listed methods no longer exist; record the list again with tools/benchmarks/hot-methods.py");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// The runtime's stand-in for "any reference type" in shared generic code: a generic method named over it is the code
    /// every reference-type instantiation runs, which crossgen2 can precompile (over <see cref="object"/> it could not:
    /// that instantiation belongs to the framework).
    /// </summary>
    private static readonly Type Canon = Type.GetType("System.__Canon", throwOnError: true)!;

    /// <summary>Every method a line names: <c>Namespace.Type+Nested:Method</c> (all overloads; generic code as shared by reference types).</summary>
    private static List<MethodBase> Resolve(List<Assembly> assemblies, string line)
    {
        var separator = line.LastIndexOf(':');
        if (separator <= 0)
        {
            return [];
        }

        // The JIT names explicit interface implementations with the C# alias prefix (global::); metadata does not.
        var (typeName, methodName) = (line[..separator], line[(separator + 1)..].Replace("global::", string.Empty, StringComparison.Ordinal));
        var type = assemblies.Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
        if (type is null || Shared(type) is not { } owner)
        {
            return [];
        }

        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<MethodBase> candidates = methodName is ".ctor" or ".cctor"
            ? owner.GetConstructors(All).Where(c => c.Name == methodName)
            : owner.GetMethods(All).Where(m => m.Name == methodName).Select(Shared).OfType<MethodBase>();
        return [.. candidates.Where(m => !m.IsAbstract)];
    }

    /// <summary>A generic type or method in its shared form (<see cref="Canon"/>); null when constraints forbid it.</summary>
    private static Type? Shared(Type type)
    {
        if (!type.IsGenericTypeDefinition)
        {
            return type;
        }

        try
        {
            return type.MakeGenericType([.. type.GetGenericArguments().Select(_ => Canon)]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static MethodInfo? Shared(MethodInfo method)
    {
        if (!method.IsGenericMethodDefinition)
        {
            return method;
        }

        try
        {
            return method.MakeGenericMethod([.. method.GetGenericArguments().Select(_ => Canon)]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static void Write(string output, List<MethodBase> methods)
    {
        var builder = new PersistedAssemblyBuilder(new AssemblyName(Path.GetFileNameWithoutExtension(output)), typeof(object).Assembly);
        var module = builder.DefineDynamicModule(Path.GetFileName(output));
        var groups = new List<(string Name, MethodBuilder Method)>();
        foreach (var group in methods.GroupBy(m => m.DeclaringType!.Assembly.GetName().Name!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var method = module.DefineGlobalMethod(string.Create(CultureInfo.InvariantCulture, $"Assemblies_{group.Key}_{groups.Count + 1}"), MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
            var il = method.GetILGenerator();
            foreach (var member in group)
            {
                // (ILGenerator has no ldtoken of a constructor: the token is asked of the module for both kinds.)
                il.Emit(OpCodes.Ldtoken, member is MethodInfo info ? module.GetMethodMetadataToken(info) : module.GetMethodMetadataToken((ConstructorInfo)member));

                il.Emit(OpCodes.Pop);
            }

            il.Emit(OpCodes.Ret);
            groups.Add((group.Key + ";", method));
        }

        var dictionary = module.DefineGlobalMethod("AssemblyDictionary", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        var body = dictionary.GetILGenerator();
        foreach (var (name, method) in groups)
        {
            body.Emit(OpCodes.Ldstr, name);
            body.Emit(OpCodes.Ldtoken, method);
            body.Emit(OpCodes.Pop);
        }

        body.Emit(OpCodes.Ret);
        module.CreateGlobalFunctions();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        builder.Save(output);
    }

    /// <summary>
    /// Loads the task assemblies for inspection, their dependencies from the same folder or the reference folders (MSBuild's
    /// own assemblies come from the SDK's folder: the tasks do not ship them).
    /// </summary>
    private sealed class FolderLoadContext(string[] folders) : AssemblyLoadContext(isCollectible: false)
    {
        public Assembly? TryLoad(string path)
        {
            try
            {
                return LoadFromAssemblyPath(Path.GetFullPath(path));
            }
            catch (BadImageFormatException)
            {
                return null;
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = folders.Select(f => Path.Combine(f, assemblyName.Name + ".dll")).FirstOrDefault(File.Exists);
            return candidate is null ? null : LoadFromAssemblyPath(Path.GetFullPath(candidate));
        }
    }
}
