using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Twins.Trials;
using Xunit.Abstractions;

namespace TwinLab.Twins.Tests;

public sealed class AccrualTests(ITestOutputHelper output)
{
    /// <summary>Exponential event times with hazard λ under control and λ·HR under treatment, exponential dropout μ.</summary>
    private static SubjectGenerator Population(double hazard, double hazardRatio, double dropout = 0) => (ref RandomStream s) =>
    {
        var e = -Math.Log(s.NextDouble());
        var d = dropout > 0 ? -Math.Log(s.NextDouble()) / dropout : double.PositiveInfinity;
        return new TrialSubject([], 0, 0) { Events = new EventTimes(e / hazard, e / (hazard * hazardRatio), d) };
    };

    [Fact]
    public void Event_probability_under_uniform_accrual_matches_the_closed_form_and_numerical_integration()
    {
        // Hand-computed: λ = 0.1, F = 6, A = 12: 1 − (e^{−0.6} − e^{−1.8})/1.2 = 0.680406043.
        Assert.Equal(0.680406043439634, SampleSize.EventProbability(0.1, 6, 12), 1e-12);
        Assert.Equal(1 - Math.Exp(-0.6), SampleSize.EventProbability(0.1, 6), 1e-15);
        // Continuous as A → 0 (the expm1 form keeps its digits for a short accrual).
        Assert.Equal(SampleSize.EventProbability(0.1, 6), SampleSize.EventProbability(0.1, 6, 1e-9), 1e-10);
        // Against SciPy's quadrature of the definition: the event before min(F + u, dropout), u uniform on [0, A].
        const string script = """
import json, sys, numpy as np
from scipy.integrate import quad
out = []
for lam, F, A, mu in json.load(sys.stdin):
    h = lam + mu
    out.append(quad(lambda u: lam / h * (1 - np.exp(-h * (F + u))), 0, A, epsabs=1e-14, epsrel=1e-13)[0] / A)
print(json.dumps(out))
""";
        double[][] cases = [[0.1, 6, 12, 0], [0.02, 24, 36, 0.01], [1.5, 0.5, 2, 0.3]];
        var expected = JsonSerializer.Deserialize<double[]>(DebianPython.Run(script, JsonSerializer.Serialize(cases)))!;
        for (var k = 0; k < cases.Length; k++)
        {
            // Quadrature to 1e-13 relative against a closed form: 1e-11.
            Assert.Equal(expected[k], SampleSize.EventProbability(cases[k][0], cases[k][1], cases[k][2], cases[k][3]), 1e-11);
        }
        Assert.Throws<ArgumentException>(() => SampleSize.EventProbability(0, 6));
        Assert.Throws<ArgumentException>(() => SampleSize.EventProbability(0.1, 6, -1));
        Assert.Throws<ArgumentException>(() => SampleSize.EventProbability(0.1, 0));
    }

    [Fact]
    public void Simulated_event_share_under_accrual_matches_the_closed_form()
    {
        const int trials = 1000;
        var design = new TrialDesign(100, 100);
        foreach (var (hazard, follow, accrual, dropout) in new[] { (0.1, 6.0, 12.0, 0.0), (0.05, 10.0, 20.0, 0.02) })
        {
            var r = EndpointTrial.Simulate(Population(hazard, 1, dropout), design, new TimeToEventEndpoint(follow, accrual), trials, seed: 41);
            var expected = SampleSize.EventProbability(hazard, follow, accrual, dropout);
            var fixedFollowUp = SampleSize.EventProbability(hazard, follow, 0, dropout);
            // 4 binomial standard errors over trials × 200 independent subjects.
            var se = Math.Sqrt(expected * (1 - expected) / (trials * 200.0));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"λ {hazard}, F {follow}, A {accrual}, μ {dropout}: simulated share {r.EventShare:F5}, closed form {expected:F5} (se {se:F5}); fixed follow-up {fixedFollowUp:F5}; type I {r.RejectionRate:F3}"));
            Assert.InRange(r.EventShare, expected - (4 * se), expected + (4 * se));
            Assert.True(r.EventShare > fixedFollowUp + (10 * se));
            Assert.InRange(0.05, r.Interval.Lower, r.Interval.Upper); // HR 1: the log-rank test keeps its level under accrual
        }
    }

    [Fact]
    public void No_accrual_reproduces_fixed_follow_up_exactly_and_accrual_does_not_depend_on_threads()
    {
        var population = Population(0.1, 0.7, dropout: 0.03);
        var design = new TrialDesign(40, 40);
        const ulong seed = 17;
        var simulated = EndpointTrial.Simulate(population, design, new TimeToEventEndpoint(8, Accrual: 0), 60, seed);
        // Recompute every trial the way fixed follow-up does: the same subjects and arms, censoring at min(F, dropout).
        double events = 0, estimate = 0;
        var rejected = 0;
        for (var t = 0; t < 60; t++)
        {
            var (enrolled, treated, _, _, _) = InSilicoTrial.Enrol(population, design, t, seed);
            var times = new double[80];
            var flags = new bool[80];
            for (var i = 0; i < 80; i++)
            {
                var e = enrolled[i].Events!;
                var censor = Math.Min(8, e.Dropout);
                var time = treated[i] ? e.Treated : e.Control;
                (times[i], flags[i]) = time <= censor ? (time, true) : (censor, false);
            }
            var r = LogRank.Test(times, flags, treated);
            events += r.Events;
            estimate += r.LogHazardRatio;
            rejected += r.PValue < 0.05 ? 1 : 0;
        }
        Assert.Equal(events / 60, simulated.MeanEvents);
        Assert.Equal(estimate / 60, simulated.MeanEstimate);
        Assert.Equal(rejected / 60.0, simulated.RejectionRate);

        var staggered = new TimeToEventEndpoint(8, Accrual: 10);
        var one = EndpointTrial.Simulate(population, design, staggered, 60, seed, threads: 1);
        var three = EndpointTrial.Simulate(population, design, staggered, 60, seed, threads: 3);
        Assert.Equal(one.MeanEstimate, three.MeanEstimate);
        Assert.Equal(one.MeanEvents, three.MeanEvents);
        Assert.True(one.MeanEvents > simulated.MeanEvents);
        Assert.Equal("time to event, accrual 10 + follow-up 8 (log-rank)", staggered.Description);
        Assert.Throws<ArgumentException>(() => EndpointTrial.Simulate(population, design, new TimeToEventEndpoint(8, -1), 2, seed));
    }

    [Fact]
    public void Observation_from_entry_and_entry_times()
    {
        // Event at 8 under control; accrual 4 and follow-up 6: the first subject is followed for 10 and sees it, one
        // entering at 3 is followed for 7 and is censored there.
        var subject = new TrialSubject([], 0, 0) { Events = new EventTimes(8, 20, Dropout: 9.5) };
        var endpoint = new TimeToEventEndpoint(FollowUp: 6, Accrual: 4);
        Assert.Equal((8.0, true), endpoint.Observe(subject, treated: false));
        Assert.Equal((7.0, false), endpoint.Observe(subject, treated: false, entry: 3));
        Assert.Equal((9.5, false), endpoint.Observe(subject, treated: true, entry: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => endpoint.Observe(subject, false, entry: 4.5));
        var entries = endpoint.EntryTimes(1000, seed: 3, trial: 0);
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First <= p.Second) && entries[0] >= 0 && entries[^1] < 4);
        // Uniform on [0, 4]: mean 2 within 4 standard errors 4/sqrt(12 · 1000).
        Assert.InRange(entries.Average(), 2 - (4 * 4 / Math.Sqrt(12000)), 2 + (4 * 4 / Math.Sqrt(12000)));
        Assert.All(new TimeToEventEndpoint(6).EntryTimes(5, 3, 0), e => Assert.Equal(0, e));
    }

    [Fact]
    public void Follow_up_exploration_with_accrual_matches_the_closed_form()
    {
        var points = DesignExploration.FollowUp(Population(0.08, 0.6), new TrialDesign(60, 60), [3, 9], 400, seed: 51,
            planningHazardRatio: 0.6, accrual: 12);
        foreach (var point in points)
        {
            Assert.Equal(12, point.Accrual);
            var expected = 0.5 * (SampleSize.EventProbability(0.08, point.FollowUp, 12) + SampleSize.EventProbability(0.048, point.FollowUp, 12));
            var se = Math.Sqrt(expected * (1 - expected) / (400 * 120.0)); // 4 binomial standard errors
            Assert.InRange(point.EventShare, expected - (4 * se), expected + (4 * se));
        }
        Assert.True(points[1].Power > points[0].Power);
    }

    [Fact]
    public void Log_rank_subjects_from_a_simulated_event_share_reach_the_planned_power()
    {
        // Hand-computed: HR 0.7 needs 246.79 events at 1:1, 277.64 at 2:1 (1.125 times); at an event probability of 0.6,
        // 2:1 needs 462.73 → 463 subjects: control ceil(463/3) = 155, treatment 310.
        var two = SampleSize.LogRankSubjects(0.7, 0.6, ratio: 2);
        Assert.Equal((155, 310), (two.Control, two.Treatment));
        Assert.Equal(462.72582102629724 / 3, two.ExactControl, 1e-9);
        Assert.Throws<ArgumentException>(() => SampleSize.LogRankSubjects(0.7, 0));
        // A pilot simulation's event share under accrual sizes the trial without assuming a hazard; at that size the
        // simulated power is Schoenfeld's 80 % (inside the exact interval widened by 0.02 for the approximation, as in
        // the fixed follow-up test of EndpointTests).
        var population = Population(0.1, 0.7);
        var endpoint = new TimeToEventEndpoint(6, Accrual: 12);
        var pilot = EndpointTrial.Simulate(population, new TrialDesign(100, 100), endpoint, 200, seed: 61);
        var sizes = SampleSize.LogRankSubjects(0.7, pilot.EventShare);
        var trial = EndpointTrial.Simulate(population, new TrialDesign(sizes.Control, sizes.Treatment), endpoint, 1000, seed: 62);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pilot share {pilot.EventShare:F4} -> {sizes.Control} + {sizes.Treatment}; power {trial.RejectionRate:F3} [{trial.Interval.Lower:F3}, {trial.Interval.Upper:F3}], events {trial.MeanEvents:F1}"));
        Assert.InRange(0.8, trial.Interval.Lower - 0.02, trial.Interval.Upper + 0.02);
    }
}
