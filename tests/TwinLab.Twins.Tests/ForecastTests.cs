using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;

namespace TwinLab.Twins.Tests;

public sealed class ForecastTests
{
    /// <summary>dx/dt = g x with x(0) = 100 and g ~ N(μ, σ²): x(t) = 100 exp(g t), log-normal at every t.</summary>
    private static Twin GrowthTwin(int particles, double mu, double sigma)
    {
        var m = new ModelBuilder("exponential");
        var g = m.Parameter("g", mu);
        var x = m.State("x", 100);
        m.Rate(x, g * x);
        return Twin.FromPrior(m.Build(), new JointPrior(("g", new Normal(mu, sigma))), particles, new TwinOptions { Seed = 9 });
    }

    [Fact]
    public void Bands_and_progression_probability_match_the_closed_form()
    {
        const double mu = 0.002;
        const double sigma = 0.004;
        const int n = 20_000;
        var forecast = GrowthTwin(n, mu, sigma).Forecast("x", 56, points: 57, progression: new ProgressionRule(1.2, 56));
        // Progression within 8 weeks ⇔ x(56) ≥ 1.2 · 100 ⇔ g ≥ ln 1.2 / 56 (x is monotone and starts at its nadir
        // when g > 0; it never rises when g ≤ 0).
        var p = 1 - new Normal(0, 1).CumulativeDistribution((Math.Log(1.2) / 56 - mu) / sigma);
        // Binomial Monte Carlo error of a share of N prior draws: 4 standard errors.
        var se = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(forecast.ProgressionProbability, p - (4 * se), p + (4 * se));
        // The 2.5 % and 97.5 % bands at t = 56 are 100 exp(56 (μ ± 1.96 σ)); the empirical quantile of N draws has a
        // standard error of sqrt(q(1−q)/N)/f(x_q) in g, about 0.004 · 0.056 here: allow 4 of them (in g, times 56).
        var gError = 4 * sigma * Math.Sqrt(0.025 * 0.975 / n) / new Normal(0, 1).Density(1.959963984540054);
        Assert.InRange(Math.Log(forecast.Upper[^1] / 100) / 56, mu + (1.959963984540054 * sigma) - gError, mu + (1.959963984540054 * sigma) + gError);
        Assert.InRange(Math.Log(forecast.Lower[^1] / 100) / 56, mu - (1.959963984540054 * sigma) - gError, mu - (1.959963984540054 * sigma) + gError);
        Assert.Equal(0, forecast.FailedTrajectories);
        Assert.Equal(57, forecast.Times.Count);
        // Each progressing particle's time is the first grid time where x ≥ 120.
        for (var i = 0; i < 50; i++)
        {
            var t = forecast.ProgressionTimes[i];
            if (!double.IsNaN(t))
            {
                var j = forecast.Times.ToList().IndexOf(t);
                Assert.True(forecast.Values[i][j] >= 120 && forecast.Values[i][j - 1] < 120);
            }
        }
    }

    [Fact]
    public void Counterfactual_differences_are_paired_and_match_the_analytic_solution()
    {
        // Claret model: log y(T) = log y0 + K_L T − e K_D0 (1 − exp(−λ T)) / λ for a constant exposure e.
        var model = ModelLibrary.Get("claret-2009");
        var prior = new JointPrior(("K_L", Prior.LogNormal(0.02, 0.3)), ("K_D0", Prior.LogNormal(0.06, 0.3)), ("lambda", Prior.LogNormal(0.05, 0.3)));
        var twin = Twin.FromPrior(model, prior, 2000, new TwinOptions { Seed = 4 });
        const double horizon = 24;
        var result = twin.Counterfactual("y", horizon, [
            new TreatmentScenario("untreated", [], new Dictionary<string, double> { ["exposure"] = 0 }),
            new TreatmentScenario("full dose", [], new Dictionary<string, double> { ["exposure"] = 1 }),
            new TreatmentScenario("half dose", [], new Dictionary<string, double> { ["exposure"] = 0.5 }),
        ]);
        var posterior = twin.Posterior;
        double Analytic(int i, double e)
        {
            var kl = posterior[i, 0];
            var kd = posterior[i, 1];
            var lambda = posterior[i, 2];
            return 100 * Math.Exp((kl * horizon) - (e * kd * (1 - Math.Exp(-lambda * horizon)) / lambda));
        }
        var expected = Enumerable.Range(0, twin.Count).Select(i => Analytic(i, 1) - Analytic(i, 0)).Average();
        // The solver runs at relative tolerance 1e-8: the mean difference agrees to 1e-6 relative.
        Assert.Equal(expected, result.Differences[0].Mean, expected * -1e-6);
        Assert.Equal(1.0, result.Differences[0].ProbabilityBelowZero, 1e-12); // a sum of 2000 weights: rounding only
        Assert.Equal("untreated", result.Differences[1].Reference);
        Assert.True(result.Differences[1].Mean > result.Differences[0].Mean);
        Assert.True(result.Differences[0].Upper < 0);
        Assert.Equal(0, result.FailedTrajectories);
    }

    [Fact]
    public void Forecast_refuses_bad_input()
    {
        var twin = GrowthTwin(10, 0, 0.01);
        Assert.Throws<ArgumentException>(() => twin.Forecast("x", 0));
        Assert.Throws<ArgumentException>(() => twin.Forecast("nope", 10));
        Assert.Throws<ArgumentException>(() => twin.Forecast("x", 10, progression: new ProgressionRule(0.9, 10)));
        Assert.Throws<ArgumentException>(() => twin.Counterfactual("x", 10, [new TreatmentScenario("a", [])]));
    }
}

public sealed class SegmentTests
{
    [Fact]
    public void Restarting_at_observations_reproduces_a_single_solve_with_the_same_doses()
    {
        // Norton–Simon with weekly boluses at 0, 7, …, 35: a twin that stops at an observation on day 10 and then
        // forecasts to day 42 must give the trajectory of one uninterrupted solve (doses after the restart included).
        var model = ModelLibrary.Get("norton-simon");
        var values = new double[,] { { 0.08, 0.25 }, { 0.12, 0.4 } };
        var particles = new ParticleEnsemble(["r", "eps"], values);
        var twin = Twin.FromParticles(model, particles, new TwinOptions
        {
            Method = AssimilationMethod.ParticleFilter,
            Noise = new Dictionary<string, GaussianNoise> { ["V"] = new(1e6) },   // uninformative: weights stay equal
        });
        twin = twin.Assimilate(new Observation(10, "V", 60));
        Assert.False(twin.Records[0].Resampled);
        var forecast = twin.Forecast("V", 32, points: 33);
        for (var i = 0; i < 2; i++)
        {
            var single = new Simulation.OdeProblem(model, (0, 42), saveAt: forecast.Times,
                parameters: new Dictionary<string, double> { ["r"] = values[i, 0], ["eps"] = values[i, 1] })
                .Solve(new Simulation.Tsit5 { RelTol = 1e-10, AbsTol = 1e-12 });
            var expected = single.State("V");
            for (var j = 0; j < expected.Length; j++)
            {
                // Both solves run at tight tolerances (1e-8 in the twin): agreement to 1e-6 relative.
                Assert.Equal(expected[j], forecast.Values[i][j], Math.Abs(expected[j]) * 1e-6);
            }
        }
    }
}
