using System.Diagnostics;
using TwinLab.TestSupport;

namespace TwinLab.Governance.Tests;

/// <summary>Runs validators that TwinLab did not write: libSBML's example validator (compiled once with g++ against
/// Debian's libsbml5-dev), xmllint, and Debian's python3 with rdflib and jsonschema.</summary>
internal static class ExternalTools
{
    private const string Hint = "Run environment/setup.sh, which installs libsbml5-dev, libsbml5-examples, g++, pkg-config, libxml2-utils, python3-rdflib and python3-jsonschema.";

    private static readonly Lazy<string> Validator = new(CompileSbmlValidator, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The standards folder shared by the project (specs, XSDs, validators).</summary>
    public static string Standards
    {
        get
        {
            var candidates = new[]
            {
                Path.Combine(DebianPython.RepositoryRoot, "..", "shared", "standards"),
                Path.Combine(DebianPython.RepositoryRoot, "shared", "standards"),
            };
            return candidates.Select(Path.GetFullPath).FirstOrDefault(Directory.Exists)
                ?? throw new InvalidOperationException("The standards folder (shared/standards with xsd/ and validators/) was not found next to the repository.");
        }
    }

    /// <summary>Runs a program and returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] arguments) => RunWith(null, program, arguments);

    /// <summary>Runs a program with extra environment variables and returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) RunWith(IReadOnlyDictionary<string, string>? environment, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}. {Hint}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish within 300 s.");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Validates SBML files with libSBML (consistency checks, units included); returns the validator's report
    /// and exit code (the number of invalid files; warnings do not count).</summary>
    public static (int InvalidFiles, string Report) ValidateSbml(params string[] files) => Run(Validator.Value, files);

    /// <summary>Validates an XML file against an XSD with xmllint.</summary>
    public static (int ExitCode, string Output) XmlLint(string schema, string file) =>
        Run("/usr/bin/xmllint", "--noout", "--schema", schema, file);

    /// <summary>Validates an RO-Crate folder with the npm ro-crate validator (shared/standards/validators/rocval.js),
    /// using the package installed from environment/validators/package.json.</summary>
    public static (int ExitCode, string Output) ValidateCrate(string folder)
    {
        var modules = Path.Combine(DebianPython.RepositoryRoot, "environment", "validators", "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "ro-crate")))
        {
            throw new InvalidOperationException($"The npm package ro-crate is missing from {modules}: run 'npm ci' (or 'npm install') in environment/validators.");
        }
        return RunWith(new Dictionary<string, string> { ["NODE_PATH"] = modules }, "/usr/bin/node", Path.Combine(Standards, "validators", "rocval.js"), folder);
    }

    private static string CompileSbmlValidator()
    {
        var examples = "/usr/share/doc/libsbml5-examples/examples/c++";
        if (!File.Exists(Path.Combine(examples, "validateSBML.cpp")))
        {
            throw new InvalidOperationException($"libSBML's examples are missing from {examples}. {Hint}");
        }
        var dir = Path.Combine(Path.GetTempPath(), "twinlab-validateSBML-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "validateSBML.cpp", "util.c", "util.h" })
        {
            File.Copy(Path.Combine(examples, f), Path.Combine(dir, f), overwrite: true);
        }
        var (code, output) = Run("/bin/sh", "-c", $"cd '{dir}' && g++ -O1 -o validateSBML validateSBML.cpp util.c $(pkg-config --cflags --libs libsbml)");
        if (code != 0)
        {
            throw new InvalidOperationException($"Compiling libSBML's validateSBML failed: {output}\n{Hint}");
        }
        return Path.Combine(dir, "validateSBML");
    }
}
