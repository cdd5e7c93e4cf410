using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TwinLab.Notebooks.Engine;

namespace TwinLab.Notebooks.Tests.Engine;

public sealed class ReferenceMagicTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("twinlab-ref-").FullName;
    private readonly ScriptEngine _engine;

    public ReferenceMagicTests() => _engine = new ScriptEngine(new EngineOptions { ShadowCopyDirectory = Path.Combine(_folder, "shadow") });

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string BuildLibrary(string name, string greeting)
    {
        var source = $$"""
            namespace Greetings;
            /// <summary>Says hello.</summary>
            public static class Greeter
            {
                /// <summary>The greeting.</summary>
                public static string Say(string who) => "{{greeting}}, " + who;
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var path = Path.Combine(_folder, name + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }

    [Fact]
    public void A_local_assembly_is_referenced_from_a_shadow_copy_so_the_original_can_be_rebuilt()
    {
        var path = BuildLibrary("Greetings", "Hello");
        var listener = new RecordingListener();
        var outcome = _engine.Execute(new CellRequest($"#r \"{path}\"\nGreetings.Greeter.Say(\"twin\")"), listener);
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal("Hello, twin", outcome.Result!.PlainText);

        var location = _engine.Execute(new CellRequest("typeof(Greetings.Greeter).Assembly.Location"), listener).Result!.PlainText;
        Assert.StartsWith(Path.Combine(_folder, "shadow"), location, StringComparison.Ordinal);

        // Rebuilding the library in place is not blocked by the running engine.
        File.Delete(path);
        BuildLibrary("Greetings", "Hi");
        Assert.Equal("Hello, twin", _engine.Execute(new CellRequest("Greetings.Greeter.Say(\"twin\")"), listener).Result!.PlainText);
    }

    [Fact]
    public void Relative_paths_are_resolved_against_the_working_directory_and_missing_files_are_errors()
    {
        var outcome = _engine.Execute(new CellRequest("#r \"no/such/library.dll\"\n1"), new RecordingListener());
        Assert.Equal("ReferenceError", outcome.Error!.Name);
        Assert.Contains("does not exist", outcome.Error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Framework_assemblies_can_be_referenced_by_name_and_nuget_references_are_explained()
    {
        var outcome = _engine.Execute(new CellRequest("#r \"System.Net.Mail\"\ntypeof(System.Net.Mail.MailAddress).Name"), new RecordingListener());
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal("MailAddress", outcome.Result!.PlainText);
        var nuget = _engine.Execute(new CellRequest("#r \"nuget: Newtonsoft.Json\""), new RecordingListener());
        Assert.Contains("NuGet packages cannot be fetched", nuget.Error!.Value, StringComparison.Ordinal);
    }
}
