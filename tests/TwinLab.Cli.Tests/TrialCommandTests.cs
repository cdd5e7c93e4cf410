using TwinLab.Cli.Commands;

namespace TwinLab.Cli.Tests;

public sealed class TrialCommandTests
{
    [Fact]
    public void Samplesize_prints_unadjusted_and_procova_sizes()
    {
        // Hand-computed (docs/methods/twins-and-trials.md): Δ = 0.5, σ = 1, 80 %, 5 %: 63.75 → 64 per arm;
        // with ρ = 0.6 the variance factor is 0.64 and 41.15 → 42 per arm.
        var run = CliRun.Of("trial", "samplesize", "--effect", "0.5", "--sd", "1", "--power", "0.8", "--alpha", "0.05", "--procova-rho", "0.6");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var lines = run.OutputLines;
        Assert.Equal(["ANALYSIS", "CONTROL", "TREATMENT", "TOTAL", "VARIANCE_FACTOR"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["unadjusted", "64", "64", "128", "1"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["procova", "42", "42", "84", "0.64"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Samplesize_with_a_ratio_and_bad_input()
    {
        // k = 2: 48.05 → 49 control and 98 treatment.
        var run = CliRun.Of("trial", "samplesize", "--effect", "0.5", "--sd", "1", "--ratio", "2");
        Assert.Equal(["unadjusted", "49", "98", "147", "1"], run.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, run.OutputLines.Length);
        var bad = CliRun.Of("trial", "samplesize", "--effect", "0.5", "--sd", "1", "--procova-rho", "1.5");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("correlation", bad.Error, StringComparison.Ordinal);
    }
}
