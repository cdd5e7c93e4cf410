using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Cli.Bench;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab bench ensemble [--json] [--quick]</c>: runs the ensemble benchmark against its peers and prints
/// the figures (as a table, or as JSON keyed by problem, mode and precision).</summary>
/// <param name="output">Where the figures are written.</param>
internal sealed class BenchCommand(TextWriter output) : CliCommand(output)
{
    /// <inheritdoc />
    public override Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var quick = new Option<bool>("--quick") { Description = "Smaller problem sizes (a smoke run, not the recorded figures)." };
        var ensemble = new Command("ensemble", "Ensemble throughput: Lorenz (fixed and adaptive Tsit5, float64 and float32) and a 100 000-patient Kuznetsov year, against TwinLab's scalar path, NumPy and SciPy.")
        {
            json,
            quick,
        };
        ensemble.SetAction(r => Execute(r.GetValue(json), r.GetValue(quick)));
        var tissue = new Command("tissue", "Virtual tissue: 250³ voxels at 2 µm, 10⁵ cells — implicit LOD diffusion step against a plain explicit stencil, cell update, one simulated hour.")
        {
            json,
            quick,
        };
        tissue.SetAction(r => Execute(r.GetValue(json), r.GetValue(quick), TissueBenchmark.Run));
        return new Command("bench", "Run a benchmark against its peers in the same run.") { ensemble, tissue };
    }

    /// <summary>Runs the ensemble benchmark.</summary>
    public int Execute(bool json, bool quick) => Execute(json, quick, EnsembleBenchmark.Run);

    /// <summary>Runs a benchmark and prints its figures.</summary>
    private int Execute(bool json, bool quick, Func<TextWriter, bool, IReadOnlyList<EnsembleBenchmark.Figure>> benchmark)
    {
        var progress = json ? TextWriter.Null : Output;
        var figures = benchmark(progress, quick);
        if (json)
        {
            var document = new JsonObject
            {
                ["machine"] = $"{Environment.ProcessorCount} cores, {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "no SIMD")}, .NET {Environment.Version}",
                ["twinlabVersion"] = TwinLabCli.Version,
            };
            foreach (var f in figures)
            {
                document[f.Key] = f.Value;
            }
            Output.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }
        Output.WriteLine();
        Output.WriteLine("| Figure | Value | Unit |");
        Output.WriteLine("|---|---:|---|");
        foreach (var f in figures)
        {
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Description} (`{f.Key}`) | {f.Value:G4} | {f.Unit} |"));
        }
        return ExitCodes.Success;
    }
}
