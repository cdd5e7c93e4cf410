using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Twins.Trials;
using Xunit.Abstractions;

namespace TwinLab.Twins.Tests;

public sealed class EndpointTests(ITestOutputHelper output)
{
    /// <summary>Exponential event times with control hazard λ and hazard ratio HR (the same exponential draw under both
    /// arms), exponential dropout with hazard μ (0: none), a continuous outcome N(0, 1) shifted by Δ under treatment,
    /// and subgroup "old" for a covariate (age) above 65 (age ~ N(60, 10)). Old subjects have twice the hazard.</summary>
    private static SubjectGenerator Population(double hazard, double hazardRatio, double dropout = 0, double shift = 0, bool olderAtHigherRisk = false) =>
        (ref RandomStream s) =>
        {
            var age = 60 + (10 * s.NextNormal());
            var old = age > 65;
            var h = olderAtHigherRisk && old ? 2 * hazard : hazard;
            var e = -Math.Log(s.NextDouble());
            var d = dropout > 0 ? -Math.Log(s.NextDouble()) / dropout : double.PositiveInfinity;
            var y0 = s.NextNormal();
            return new TrialSubject([age], y0, y0 + shift, old ? "old" : "young") { Events = new EventTimes(e / h, e / (h * hazardRatio), d) };
        };

    private static readonly int[] _mp =
        [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35];
    private static readonly bool[] _mpEvent =
        [true, true, true, false, true, false, true, false, false, true, true, false, false, false, true, true, false, false, false, false, false];
    private static readonly int[] _placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];

    [Fact]
    public void Log_rank_reproduces_the_Freireich_leukaemia_trial_and_numpy()
    {
        // Freireich et al. (1963, Blood 21:699), remission times in weeks, 6-mercaptopurine (treated) against placebo;
        // the published log-rank analysis (e.g. R survival's survdiff on MASS::gehan) gives observed 9, expected 19.3
        // for 6-MP and chi-square 16.8 on 1 df. Our own hand computation gives E = 19.2505, V = 6.25696, X² = 16.7929.
        var times = _mp.Concat(_placebo).Select(t => (double)t).ToArray();
        var events = _mpEvent.Concat(_placebo.Select(_ => true)).ToArray();
        var treated = _mp.Select(_ => true).Concat(_placebo.Select(_ => false)).ToArray();
        var r = LogRank.Test(times, events, treated);
        Assert.Equal(30, r.Events);
        Assert.Equal(9, r.ObservedTreated);
        Assert.Equal(19.3, r.ExpectedTreated, 0.05); // published to one decimal
        Assert.Equal(16.8, r.ChiSquare, 0.05);       // published to one decimal
        Assert.Equal(19.2505009, r.ExpectedTreated, 1e-6);
        Assert.Equal(16.7929410, r.ChiSquare, 1e-6);
        Assert.True(r.LogHazardRatio < 0);

        // Random data with many ties and censorings against an independent NumPy loop over event times; SciPy's
        // chi-square tail for the p-value. Same sums in a different order: 1e-10.
        var s = RandomStream.For(4, "test.logrank");
        const int n = 300;
        var t = Enumerable.Range(0, n).Select(_ => Math.Floor(-Math.Log(s.NextDouble()) * 10)).ToArray();
        var e = Enumerable.Range(0, n).Select(_ => s.NextDouble() < 0.7).ToArray();
        var g = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray();
        const string script = """
import json, sys, numpy as np
from scipy import stats
d = json.load(sys.stdin); t = np.array(d["t"]); e = np.array(d["e"]); g = np.array(d["g"])
O = E = V = 0.0
for u in np.unique(t[e]):
    r = t >= u; n = r.sum(); n1 = (r & g).sum(); dd = ((t == u) & e).sum(); d1 = ((t == u) & e & g).sum()
    O += d1; E += dd * n1 / n; V += dd * (n1 / n) * (1 - n1 / n) * (n - dd) / (n - 1)
x = (O - E) ** 2 / V
print(json.dumps({"O": O, "E": E, "V": V, "X": x, "p": stats.chi2.sf(x, 1)}))
""";
        var expected = JsonSerializer.Deserialize<JsonElement>(DebianPython.Run(script, JsonSerializer.Serialize(new { t, e, g })));
        var mine = LogRank.Test(t, e, g);
        Assert.Equal(expected.GetProperty("O").GetDouble(), mine.ObservedTreated);
        Assert.Equal(expected.GetProperty("E").GetDouble(), mine.ExpectedTreated, 1e-10);
        Assert.Equal(expected.GetProperty("V").GetDouble(), mine.Variance, 1e-10);
        Assert.Equal(expected.GetProperty("X").GetDouble(), mine.ChiSquare, 1e-10);
        var p = expected.GetProperty("p").GetDouble();
        Assert.Equal(p, mine.PValue, 1e-8 * Math.Max(p, 1e-3)); // erfc against SciPy's chi-square tail: relative 1e-8

        Assert.Throws<ArgumentException>(() => LogRank.Test([1, 2], [true, true], [true, true]));
        Assert.Throws<ArgumentException>(() => LogRank.Test([1, -2], [true, true], [true, false]));
        var none = LogRank.Test([1, 2], [false, false], [true, false]);
        Assert.Equal((0, 1.0), (none.Events, none.PValue));
    }

    [Fact]
    public void Proportion_test_equals_scipy_chi_square_without_correction()
    {
        const string script = """
import json, sys
from scipy.stats import chi2_contingency
out = []
for a, n1, b, n0 in json.load(sys.stdin):
    x, p, _, _ = chi2_contingency([[a, n1 - a], [b, n0 - b]], correction=False)
    out.append([x, p])
print(json.dumps(out))
""";
        int[][] tables = [[30, 93, 45, 93], [12, 40, 5, 60], [70, 100, 68, 100]];
        var expected = JsonSerializer.Deserialize<double[][]>(DebianPython.Run(script, JsonSerializer.Serialize(tables)))!;
        for (var k = 0; k < tables.Length; k++)
        {
            var c = Proportions.Compare(tables[k][0], tables[k][1], tables[k][2], tables[k][3]);
            Assert.Equal(expected[k][0], c.ChiSquare, 1e-10 * Math.Max(1, expected[k][0]));
            Assert.Equal(expected[k][1], c.PValue, 1e-8 * expected[k][1]);
        }
        Assert.Equal(1, Proportions.Compare(10, 10, 20, 20).PValue);
        Assert.Throws<ArgumentException>(() => Proportions.Compare(11, 10, 2, 20));
    }

    [Fact]
    public void Closed_form_sizes_for_proportions_and_log_rank()
    {
        // Two proportions 0.3 against 0.5, 80 %, two-sided 5 %: p̄ = 0.4;
        // [1.959964 sqrt(0.48) + 0.841621 sqrt(0.46)]² / 0.04 = (1.357906 + 0.570818)² / 0.04 = 92.9996 → 93 per arm.
        var sizes = SampleSize.TwoProportions(0.3, 0.5);
        Assert.Equal(92.9996, sizes.ExactControl, 1e-3);
        Assert.Equal((93, 93), (sizes.Control, sizes.Treatment));
        // Exact power of that chi-square test at 93 per arm, by enumerating both binomials in SciPy: the normal
        // approximation lands within 0.01 of the planned 0.80 at this size.
        const string script = """
import json, sys, numpy as np
from scipy import stats
n1, n0, p1, p0 = json.load(sys.stdin)
a = np.arange(n1 + 1)[:, None]; b = np.arange(n0 + 1)[None, :]
pool = (a + b) / (n1 + n0); v = pool * (1 - pool) * (1 / n1 + 1 / n0)
with np.errstate(divide="ignore", invalid="ignore"):
    z = np.where(v > 0, (a / n1 - b / n0) / np.sqrt(v), 0.0)
reject = np.abs(z) > stats.norm.ppf(0.975)
w = stats.binom.pmf(a, n1, p1) * stats.binom.pmf(b, n0, p0)
print(json.dumps(float((w * reject).sum())))
""";
        var exact = JsonSerializer.Deserialize<double>(DebianPython.Run(script, JsonSerializer.Serialize(new double[] { 93, 93, 0.5, 0.3 })));
        Assert.InRange(exact, 0.79, 0.81);

        // Schoenfeld: HR 0.7 at 1:1 needs 4 · 7.848880 / ln(0.7)² = 31.39552 / 0.1272170 = 246.79 events → 247;
        // HR 0.5 needs 31.39552 / 0.4804530 = 65.35 → 66; 2:1 allocation scales by 1/(4 · 2/9) = 1.125.
        Assert.Equal(246.79, SampleSize.LogRankEvents(0.7), 0.01);
        Assert.Equal(65.35, SampleSize.LogRankEvents(0.5), 0.01);
        Assert.Equal(1.125 * SampleSize.LogRankEvents(0.7), SampleSize.LogRankEvents(0.7, ratio: 2), 1e-9);
        // The power formula inverts the events formula exactly.
        Assert.Equal(0.8, SampleSize.LogRankPower(0.7, SampleSize.LogRankEvents(0.7)), 1e-12);
        Assert.Equal(0.9, SampleSize.LogRankPower(1 / 0.7, SampleSize.LogRankEvents(0.7, power: 0.9)), 1e-12);
        Assert.Throws<ArgumentException>(() => SampleSize.LogRankEvents(1));
        Assert.Throws<ArgumentException>(() => SampleSize.TwoProportions(0.3, 0.3));
    }

    [Fact]
    public void Simulated_log_rank_power_matches_Schoenfeld_and_keeps_the_type_I_error()
    {
        const int trials = 2000;
        // No censoring: 124 + 124 subjects give 248 events, Schoenfeld's power 0.801 at HR 0.7.
        var design = new TrialDesign(124, 124);
        var endpoint = new TimeToEventEndpoint(1e6);
        var power = EndpointTrial.Simulate(Population(0.1, 0.7), design, endpoint, trials, seed: 11);
        var planned = SampleSize.LogRankPower(0.7, 248);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"uncensored: power {power.RejectionRate} [{power.Interval.Lower:F3}, {power.Interval.Upper:F3}], Schoenfeld {planned:F4}, mean log HR {power.MeanEstimate:F4}"));
        Assert.Equal(248, power.MeanEvents);
        // Schoenfeld's power inside the simulated rate's exact 95 % interval, widened by 0.02 for the approximation
        // (a normal statistic with the null variance; at HR 0.7 and 248 events its error is about 1 % in published
        // simulations, e.g. Lachin and Foulkes 1986).
        Assert.InRange(planned, power.Interval.Lower - 0.02, power.Interval.Upper + 0.02);
        // The Peto estimate of log HR = −0.357 is biased towards 0 for HR far from 1 but close here: within 0.03.
        Assert.InRange(power.MeanEstimate, Math.Log(0.7) - 0.03, Math.Log(0.7) + 0.03);

        // Null hypothesis with censoring (follow-up 10, dropout hazard 0.02): 0.05 inside the exact interval.
        var censored = new TimeToEventEndpoint(10);
        var typeI = EndpointTrial.Simulate(Population(0.1, 1, dropout: 0.02), design, censored, trials, seed: 12);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"type I {typeI.RejectionRate} [{typeI.Interval.Lower:F3}, {typeI.Interval.Upper:F3}]"));
        Assert.InRange(0.05, typeI.Interval.Lower, typeI.Interval.Upper);
        // Event share against the closed form λ/(λ + μ) (1 − e^{−(λ + μ) F}) = (0.1/0.12)(1 − e^{−1.2}) = 0.5824,
        // within 4 standard errors of the mean share over 2000 × 248 subjects (binomial sd 0.493 / sqrt(496 000)).
        var share = 0.1 / 0.12 * (1 - Math.Exp(-1.2));
        Assert.InRange(typeI.EventShare, share - (4 * 0.493 / Math.Sqrt(trials * 248.0)), share + (4 * 0.493 / Math.Sqrt(trials * 248.0)));

        // With censoring under HR 0.6: Schoenfeld at the simulated mean events inside the interval widened by 0.03
        // (the event count varies between trials, and the power is concave in it).
        var censoredPower = EndpointTrial.Simulate(Population(0.1, 0.6, dropout: 0.02), new TrialDesign(100, 100), censored, trials, seed: 13);
        var plannedCensored = SampleSize.LogRankPower(0.6, censoredPower.MeanEvents);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"censored HR 0.6: power {censoredPower.RejectionRate} [{censoredPower.Interval.Lower:F3}, {censoredPower.Interval.Upper:F3}], events {censoredPower.MeanEvents:F1}, Schoenfeld {plannedCensored:F4}"));
        Assert.InRange(plannedCensored, censoredPower.Interval.Lower - 0.03, censoredPower.Interval.Upper + 0.03);
    }

    [Fact]
    public void Simulated_responder_power_matches_the_exact_binomial_power()
    {
        // Outcome N(0, 1) under control, shifted by −0.5244 under treatment; response: outcome below Φ⁻¹(0.3) = −0.5244,
        // so p_c = 0.3 and p_t = 0.5, and the formula's 93 per arm plan 80 % power.
        var threshold = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.3);
        var endpoint = new ResponderEndpoint(threshold);
        var design = new TrialDesign(93, 93);
        const int trials = 2000;
        var power = EndpointTrial.Simulate(Population(0.1, 1, shift: threshold), design, endpoint, trials, seed: 21);
        var typeI = EndpointTrial.Simulate(Population(0.1, 1), design, endpoint, trials, seed: 22);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"responder: power {power.RejectionRate} [{power.Interval.Lower:F3}, {power.Interval.Upper:F3}], type I {typeI.RejectionRate}, difference {power.MeanEstimate:F4}"));
        // The exact power of the test at 93 per arm, 0.3 against 0.5 (SciPy enumeration in the test above: 0.79–0.81),
        // inside the simulated rate's exact 95 % interval, widened by that 0.01 range.
        Assert.InRange(0.8, power.Interval.Lower - 0.01, power.Interval.Upper + 0.01);
        Assert.InRange(0.05, typeI.Interval.Lower, typeI.Interval.Upper);
        // The difference in proportions is unbiased: 0.2 within 4 standard errors sqrt((0.21 + 0.25)/93 / trials).
        var se = Math.Sqrt(0.46 / 93 / trials);
        Assert.InRange(power.MeanEstimate, 0.2 - (4 * se), 0.2 + (4 * se));
        Assert.Equal(0.4, power.EventShare, 4 * Math.Sqrt(0.24 / (186.0 * trials)));
    }

    [Fact]
    public void Endpoint_simulations_do_not_depend_on_threads_and_share_subjects_across_endpoints()
    {
        var design = new TrialDesign(30, 30, Eligibility: s => s.Covariates[0] < 70);
        var population = Population(0.1, 0.7, dropout: 0.05, shift: -0.3);
        foreach (Endpoint endpoint in new Endpoint[] { new ChangeFromBaseline(), new ResponderEndpoint(0), new TimeToEventEndpoint(5) })
        {
            var one = EndpointTrial.Simulate(population, design, endpoint, 40, seed: 5, threads: 1);
            var three = EndpointTrial.Simulate(population, design, endpoint, 40, seed: 5, threads: 3);
            Assert.Equal(one.MeanEstimate, three.MeanEstimate);
            Assert.Equal(one.MeanEvents, three.MeanEvents);
            Assert.Equal(one.ExcludedBySubgroup, three.ExcludedBySubgroup);
        }
        // The continuous endpoint through EndpointTrial equals InSilicoTrial.Simulate (same subjects, same arms, same test).
        var continuous = EndpointTrial.Simulate(population, design, new ChangeFromBaseline(), 40, seed: 5);
        var reference = InSilicoTrial.Simulate(population, design, null, 40, seed: 5);
        Assert.Equal(reference.MeanUnadjustedEstimate, continuous.MeanEstimate, 1e-12);
        Assert.Equal(reference.UnadjustedRejectionRate, continuous.RejectionRate);
        // A time-to-event endpoint needs event times.
        SubjectGenerator noEvents = (ref RandomStream s) => new TrialSubject([], s.NextNormal(), 0);
        Assert.Throws<ArgumentException>(() => EndpointTrial.Simulate(noEvents, design with { Eligibility = null }, new TimeToEventEndpoint(5), 2, seed: 1, threads: 1));
        Assert.Throws<ArgumentException>(() => EndpointTrial.Simulate(population, design, new TimeToEventEndpoint(0), 2, seed: 1));
        // Criteria that exclude everyone stop the trial with the reason, not an aggregate of thread failures.
        var nobody = design with { Eligibility = _ => false };
        Assert.Contains("exclude almost everyone", Assert.Throws<InvalidOperationException>(() => EndpointTrial.Simulate(population, nobody, new ChangeFromBaseline(), 2, seed: 1)).Message, StringComparison.Ordinal);
        Assert.Contains("exclude almost everyone", Assert.Throws<InvalidOperationException>(() => InSilicoTrial.Simulate(population, nobody, null, 2, seed: 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_times_from_a_trajectory_and_observation_with_censoring()
    {
        // Linear interpolation: 10 → 14 between t = 2 and 4 crosses 12 at t = 3.
        Assert.Equal(3, EventTimes.FirstCrossing([0, 2, 4], [9, 10, 14], 12));
        Assert.Equal(0, EventTimes.FirstCrossing([0, 2], [13, 10], 12));
        Assert.Equal(double.PositiveInfinity, EventTimes.FirstCrossing([0, 2], [9, 10], 12));
        Assert.Equal(1.5, EventTimes.FirstCrossing([0, 1, 2], [5, 4, 2], 3, upwards: false));
        Assert.Throws<ArgumentException>(() => EventTimes.FirstCrossing([0, 0], [1, 2], 3));
        var subject = new TrialSubject([], 0, 0) { Events = new EventTimes(4, 8, Dropout: 6) };
        var endpoint = new TimeToEventEndpoint(FollowUp: 7);
        Assert.Equal((4.0, true), endpoint.Observe(subject, treated: false));
        Assert.Equal((6.0, false), endpoint.Observe(subject, treated: true));
        Assert.Equal((3.0, false), new TimeToEventEndpoint(3).Observe(subject, treated: false));
    }

    [Fact]
    public void Design_exploration_trades_follow_up_and_enrichment_against_power_and_representation()
    {
        // Older subjects (age > 65, P = 1 − Φ(0.5) = 0.3085) have twice the hazard: enriching for them raises the event
        // rate and the power but excludes every young subject.
        var population = Population(0.05, 0.6, olderAtHigherRisk: true);
        var design = new TrialDesign(60, 60);
        var followUp = DesignExploration.FollowUp(population, design, [2, 6, 12], 400, seed: 31, planningHazardRatio: 0.6);
        Assert.True(followUp[0].MeanEvents < followUp[1].MeanEvents && followUp[1].MeanEvents < followUp[2].MeanEvents);
        Assert.True(followUp[0].Power < followUp[2].Power);
        // Event share at follow-up F against the closed form: mixture over age groups and arms of 1 − e^{−h F}, within
        // 4 binomial standard errors over 400 × 120 subjects.
        var old = 1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, 0.5);
        foreach (var point in followUp)
        {
            double Share(double h) => 1 - Math.Exp(-h * point.FollowUp);
            var expected = 0.5 * ((old * (Share(0.1) + Share(0.06))) + ((1 - old) * (Share(0.05) + Share(0.03))));
            var se = Math.Sqrt(expected * (1 - expected) / (400 * 120.0));
            Assert.InRange(point.EventShare, expected - (4 * se), expected + (4 * se));
            Assert.InRange(point.SchoenfeldPower, point.Interval.Lower - 0.05, point.Interval.Upper + 0.05);
        }
        var eligibility = DesignExploration.Eligibility(population, design,
            [new EligibilityCriterion("all comers", null), new EligibilityCriterion("older than 65", s => s.Covariates[0] > 65)],
            new TimeToEventEndpoint(6), 400, seed: 32);
        var all = eligibility[0];
        var enriched = eligibility[1];
        Assert.True(enriched.Power > all.Power);
        Assert.Equal(0, all.ExcludedShare["old"]);
        Assert.Equal(1, enriched.ExcludedShare["young"]);
        Assert.Equal(0, enriched.EnrolledShare["young"]);
        Assert.Equal(1, enriched.EnrolledShare["old"]);
        // Recruitment cost: about 120 / 0.3085 = 389 screened per trial (4 sd of the negative binomial mean over 400 trials).
        var screenSd = Math.Sqrt(120 * (1 - old)) / old / Math.Sqrt(400);
        Assert.InRange(enriched.ScreenedPerTrial, (120 / old) - (4 * screenSd), (120 / old) + (4 * screenSd));
        Assert.InRange(all.PopulationShare["old"], old - 0.01, old + 0.01);
    }
}
