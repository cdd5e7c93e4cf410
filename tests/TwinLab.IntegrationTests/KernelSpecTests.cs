using System.Text.Json.Nodes;

namespace TwinLab.IntegrationTests;

[Collection(KernelTestGroup.Name)]
public sealed class KernelSpecTests
{
    [Fact]
    public void Install_with_a_prefix_writes_a_kernelspec_that_jupyter_finds()
    {
        JupyterTools.Require();
        var (prefix, environment) = JupyterTools.InstallKernel();
        try
        {
            var folder = Path.Combine(prefix, "share", "jupyter", "kernels", "twinlab");
            var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "kernel.json")))!;
            Assert.Equal("TwinLab (C#)", spec["display_name"]!.GetValue<string>());
            Assert.Equal("C#", spec["language"]!.GetValue<string>());
            Assert.Equal("message", spec["interrupt_mode"]!.GetValue<string>());
            var argv = spec["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
            Assert.Equal(Path.GetFullPath(JupyterTools.TwinLabDll), argv[1]);
            Assert.Equal(["kernel", "start", "{connection_file}"], argv[2..]);
            Assert.True(File.Exists(Path.Combine(folder, "logo-64x64.png")));
            Assert.True(File.Exists(Path.Combine(folder, "logo-svg.svg")));
            // plotly.js, which the Jupyter server serves to chart outputs from this folder.
            Assert.Equal(File.ReadAllBytes(TwinLab.Interactive.PlotlyScript.Locate().Path), File.ReadAllBytes(Path.Combine(folder, "plotly.min.js")));

            var found = FindKernelSpecs(environment)["twinlab"];
            Assert.NotNull(found);
            Assert.Equal(Path.GetFullPath(folder), Path.GetFullPath(found!["resource_dir"]!.GetValue<string>()));
            Assert.Equal("message", found["spec"]!["interrupt_mode"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void Install_for_the_user_writes_into_the_jupyter_data_directory()
    {
        JupyterTools.Require();
        var data = Directory.CreateTempSubdirectory("twinlab-jupyter-data-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["JUPYTER_DATA_DIR"] = data };
            var install = JupyterTools.TwinLab(environment, "kernel", "install", "--user");
            Assert.True(install.ExitCode == 0, install.Describe());
            Assert.True(File.Exists(Path.Combine(data, "kernels", "twinlab", "kernel.json")));
            Assert.NotNull(FindKernelSpecs(environment)["twinlab"]);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The kernelspecs jupyter_client's KernelSpecManager finds (as `jupyter kernelspec list --json` prints them).</summary>
    private static JsonObject FindKernelSpecs(Dictionary<string, string> environment)
    {
        const string List = """
            import json
            from jupyter_client.kernelspec import KernelSpecManager
            print(json.dumps(KernelSpecManager().get_all_specs()))
            """;
        var run = JupyterTools.Run(TwinLab.TestSupport.DebianPython.Executable, ["-c", List], environment, TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.Describe());
        return JupyterTools.ParseJson(run);
    }

    [Fact]
    public void Install_without_plotly_fails_saying_how_to_install_it()
    {
        var prefix = Directory.CreateTempSubdirectory("twinlab-jupyter-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { [TwinLab.Interactive.PlotlyScript.EnvironmentVariable] = Path.Combine(prefix, "missing", "plotly.min.js") };
            var run = JupyterTools.TwinLab(environment, "kernel", "install", "--prefix", prefix);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("environment/setup.sh", run.Error, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(prefix, "share", "jupyter", "kernels", "twinlab")));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void User_and_prefix_together_are_a_usage_error()
    {
        var run = JupyterTools.TwinLab(null, "kernel", "install", "--user", "--prefix", "/tmp/x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("either --user or --prefix", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_with_a_missing_connection_file_is_a_usage_error()
    {
        var run = JupyterTools.TwinLab(null, "kernel", "start", "/nonexistent/connection.json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("connection file", run.Error, StringComparison.Ordinal);
    }
}
