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

    [Fact]
    public void Events_follow_Schoenfeld_and_proportions_the_two_proportion_formula()
    {
        // Hand-computed (docs/methods/twins-and-trials.md): HR 0.7, 80 %, 5 %: 246.79 → 247 events; with an event
        // probability of 0.5, 493.58 → 494 subjects, 247 per arm.
        var events = CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--event-probability", "0.5");
        Assert.Equal(ExitCodes.Success, events.ExitCode);
        Assert.Equal(["EVENTS", "EXACT_EVENTS", "CONTROL", "TREATMENT", "TOTAL"], events.OutputLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["247", "246.79", "247", "247", "494"], events.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var only = CliRun.Of("trial", "events", "--hazard-ratio", "0.5");
        Assert.Equal(["66", "65.35"], only.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ExitCodes.Usage, CliRun.Of("trial", "events", "--hazard-ratio", "1").ExitCode);
        // 0.3 against 0.5: 92.9996 → 93 per arm.
        var proportions = CliRun.Of("trial", "proportions", "--control", "0.3", "--treated", "0.5");
        Assert.Equal(["93", "93", "186", "93.00"], proportions.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var bad = CliRun.Of("trial", "proportions", "--control", "0.3", "--treated", "1.2");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("proportions", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_with_accrual_compute_the_event_probability_from_the_hazards()
    {
        // Hand-computed (docs/methods/twins-and-trials.md): control hazard 0.1, HR 0.7 (treated 0.07), accrual 12,
        // follow-up 6: 1 − (e^{−hF} − e^{−h(A+F)})/(hA) is 0.680406 and 0.555485, mean 0.617945; 246.79 / 0.617945
        // = 399.37 → 400 subjects, 200 per arm.
        var run = CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--hazard", "0.1", "--follow-up", "6", "--accrual", "12");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(["EVENTS", "EXACT_EVENTS", "EVENT_PROBABILITY", "CONTROL", "TREATMENT", "TOTAL"], run.OutputLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["247", "246.79", "0.6179", "200", "200", "400"], run.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Without accrual every subject is followed for 6: (1 − e^{−0.6} + 1 − e^{−0.42})/2 = 0.397071; 246.79 / 0.397071
        // = 621.5 → 622 subjects.
        var fixedFollowUp = CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--hazard", "0.1", "--follow-up", "6");
        Assert.Equal(["247", "246.79", "0.3971", "311", "311", "622"], fixedFollowUp.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // The options go together, and a given probability excludes the computed one.
        var alone = CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--hazard", "0.1");
        Assert.Equal(ExitCodes.Usage, alone.ExitCode);
        Assert.Contains("--follow-up", alone.Error, StringComparison.Ordinal);
        var both = CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--hazard", "0.1", "--follow-up", "6", "--event-probability", "0.5");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Of("trial", "events", "--hazard-ratio", "0.7", "--hazard", "0.1", "--follow-up", "6", "--accrual", "-1").ExitCode);
        var help = CliRun.Of("trial", "events", "--help");
        foreach (var option in new[] { "--hazard", "--follow-up", "--accrual", "--dropout-hazard" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }
    }
}
