using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace TwinLab.Notebooks.Engine;

/// <summary>
/// The assemblies and namespaces every cell starts with: the .NET base class library, TwinLab's assemblies and their
/// dependencies. Metadata references are created once per process (reading metadata is the slow part of compiling),
/// with XML documentation where it can be found (TwinLab's beside its assemblies, the framework's in the SDK's
/// reference pack), for the kernel's inspection requests.
/// </summary>
internal static class ScriptReferences
{
    /// <summary>The namespaces imported into every cell.</summary>
    public static readonly IReadOnlyList<string> Imports =
    [
        "System",
        "System.Collections.Generic",
        "System.Globalization",
        "System.IO",
        "System.Linq",
        "System.Text",
        "System.Threading",
        "System.Threading.Tasks",
        "TwinLab.Core.Distributions",
        "TwinLab.Core.Library",
        "TwinLab.Core.Modelling",
        "TwinLab.Core.Randomness",
        "TwinLab.Core.Symbolic",
        "TwinLab.Simulation",
        "TwinLab.Interactive",
    ];

    /// <summary>Framework assemblies referenced by default (others can be added with <c>#r "System.Xyz"</c>).</summary>
    private static readonly string[] FrameworkAssemblies =
    [
        "System.Private.CoreLib", "System.Runtime", "netstandard", "mscorlib", "System", "System.Core",
        "System.Collections", "System.Collections.Concurrent", "System.Collections.Immutable", "System.Collections.Specialized",
        "System.Console", "System.Linq", "System.Linq.Expressions", "System.Linq.Parallel", "System.Memory",
        "System.Runtime.Extensions", "System.Runtime.Numerics", "System.Runtime.Intrinsics", "System.Runtime.InteropServices",
        "System.Numerics.Vectors", "System.Threading", "System.Threading.Tasks", "System.Threading.Tasks.Parallel",
        "System.Threading.Thread", "System.Text.RegularExpressions", "System.Text.Json", "System.Text.Encodings.Web",
        "System.Text.Encoding.Extensions", "System.IO", "System.IO.Compression", "System.Private.Uri", "System.Net.Http",
        "System.Net.Primitives", "System.ObjectModel", "System.ComponentModel", "System.ComponentModel.Primitives",
        "System.ComponentModel.TypeConverter", "System.Diagnostics.Process", "System.Diagnostics.Debug",
        "System.Diagnostics.StackTrace", "System.Diagnostics.Tools", "System.Globalization", "System.Reflection",
        "System.Security.Cryptography", "System.Xml.ReaderWriter", "System.Private.Xml", "System.Xml.Linq",
        "System.Private.Xml.Linq", "System.Data.Common", "Microsoft.CSharp", "System.Buffers",
    ];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> Defaults = new(CreateDefaults);
    private static readonly ConcurrentDictionary<string, MetadataReference> ByPath = new(StringComparer.Ordinal);

    /// <summary>The default references.</summary>
    public static IReadOnlyList<MetadataReference> Default => Defaults.Value;

    /// <summary>The directory of the running .NET shared framework.</summary>
    public static string FrameworkDirectory { get; } = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary>A reference to an assembly file, with its XML documentation if found (cached by path).</summary>
    public static MetadataReference FromFile(string path) => ByPath.GetOrAdd(path, p =>
    {
        var documentation = FindDocumentation(p);
        return documentation is null
            ? MetadataReference.CreateFromFile(p)
            : MetadataReference.CreateFromFile(p, documentation: new XmlDocumentation(documentation));
    });

    /// <summary>Resolves a framework assembly by simple name (<c>System.Xml</c>) to its file, or null.</summary>
    public static string? FrameworkAssembly(string name)
    {
        var file = Path.Combine(FrameworkDirectory, name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? name : name + ".dll");
        return File.Exists(file) ? file : null;
    }

    private static List<MetadataReference> CreateDefaults()
    {
        var paths = new List<string>();
        foreach (var name in FrameworkAssemblies)
        {
            if (FrameworkAssembly(name) is { } file)
            {
                paths.Add(file);
            }
        }
        // TwinLab and what it depends on (MathNet.Numerics, ...), wherever the host loaded them from.
        foreach (var assembly in new[]
        {
            typeof(Core.Modelling.Model).Assembly, typeof(Simulation.OdeProblem).Assembly,
            typeof(Interactive.Display).Assembly, typeof(ScriptReferences).Assembly,
            typeof(Synthetic.Cohorts.VirtualCohort).Assembly, typeof(Data.Store.CohortStore).Assembly,
            typeof(Tissue.TissueSimulation).Assembly, typeof(Inference.Sbi.Npe).Assembly,
        })
        {
            AddWithDependencies(assembly, paths);
        }
        return [.. paths.Distinct(StringComparer.Ordinal).Select(FromFile)];
    }

    private static void AddWithDependencies(System.Reflection.Assembly assembly, List<string> paths)
    {
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
        {
            return;
        }
        paths.Add(assembly.Location);
        var directory = Path.GetDirectoryName(assembly.Location)!;
        foreach (var dependency in assembly.GetReferencedAssemblies())
        {
            if (dependency.Name is null || dependency.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            {
                continue;
            }
            var local = Path.Combine(directory, dependency.Name + ".dll");
            if (File.Exists(local) && !paths.Contains(local))
            {
                paths.Add(local);
            }
        }
    }

    /// <summary>The XML documentation of an assembly: beside it, or for the shared framework in the SDK's reference
    /// pack (where System.Private.CoreLib is documented as System.Runtime).</summary>
    private static string? FindDocumentation(string assemblyPath)
    {
        var beside = Path.ChangeExtension(assemblyPath, ".xml");
        if (File.Exists(beside))
        {
            return beside;
        }
        if (!string.Equals(Path.GetDirectoryName(assemblyPath), FrameworkDirectory, StringComparison.Ordinal) || ReferencePackDirectory.Value is not { } pack)
        {
            return null;
        }
        var name = Path.GetFileNameWithoutExtension(assemblyPath);
        if (name == "System.Private.CoreLib")
        {
            name = "System.Runtime";
        }
        var candidate = Path.Combine(pack, name + ".xml");
        return File.Exists(candidate) ? candidate : null;
    }

    private static readonly Lazy<string?> ReferencePackDirectory = new(() =>
    {
        try
        {
            // <dotnet>/shared/Microsoft.NETCore.App/<version>/ → <dotnet>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net<major>.<minor>/
            var version = Environment.Version;
            var root = Path.GetFullPath(Path.Combine(FrameworkDirectory, "..", "..", ".."));
            var packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
            if (!Directory.Exists(packs))
            {
                return null;
            }
            var tfm = $"net{version.Major}.{version.Minor}";
            return Directory.EnumerateDirectories(packs)
                .Select(d => Path.Combine(d, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    });
}
