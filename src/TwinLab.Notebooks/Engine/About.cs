using System.Reflection;
using System.Runtime.InteropServices;

namespace TwinLab.Notebooks.Engine;

/// <summary>Versions and policies that notebooks record and <c>#!about</c> prints.</summary>
public static class About
{
    /// <summary>TwinLab's seed policy, recorded in executed notebooks' metadata.</summary>
    public const string SeedPolicy =
        "Every stochastic TwinLab API takes a seed or a RandomStream (TwinLab.Core.Randomness: counter-based Philox4x32-10 " +
        "streams keyed by seed, purpose and entity), so results are bitwise reproducible whatever the thread count; " +
        "notebooks record their seed (the 'seed' parameter) in metadata.";

    /// <summary>The kernel's implementation name in Jupyter's kernel_info.</summary>
    public const string KernelName = "twinlab";

    /// <summary>TwinLab's version (the informational version without build metadata).</summary>
    public static string TwinLabVersion { get; } = ReadVersion(typeof(About).Assembly);

    /// <summary>The .NET runtime version, e.g. <c>10.0.12</c>.</summary>
    public static string DotNetVersion => Environment.Version.ToString();

    /// <summary>The C# language version cells are compiled with.</summary>
    public static string LanguageVersion => Microsoft.CodeAnalysis.CSharp.LanguageVersionFacts.ToDisplayString(ScriptEngine.LanguageVersion);

    /// <summary>The text <c>#!about</c> prints.</summary>
    public static string Text =>
        $"TwinLab {TwinLabVersion} — notebook kernel for hybrid mechanistic–AI medical digital twins\n" +
        $".NET {DotNetVersion} ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier})\n" +
        $"C# {LanguageVersion} (Roslyn {ReadVersion(typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly)}), Jupyter messaging protocol 5.3\n" +
        $"Seed policy: {SeedPolicy}\n";

    private static string ReadVersion(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
