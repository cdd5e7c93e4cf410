using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Library;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Calibration;
using TwinLab.TestSupport;

namespace TwinLab.Inference.Tests;

public class CalibrationTests
{
    private static double[] Times => [.. Enumerable.Range(0, 16).Select(i => 2.0 * i)];

    // Gompertz with V0 = 50: V(t) = K exp(ln(V0/K) e^{−rt}). Data: r = 0.12, K = 1800, Gaussian noise sd 20.
    private static double[] GompertzData()
    {
        var stream = RandomStream.For(3, "gompertz-data");
        return [.. Times.Select(t => (1800 * Math.Exp(Math.Log(50.0 / 1800) * Math.Exp(-0.12 * t))) + (20 * stream.NextNormal()))];
    }

    private const string CurveFit = """
import sys, json, numpy as np
from scipy.optimize import curve_fit
d = json.loads(sys.stdin.read())
t = np.array(d['t']); y = np.array(d['y'])
f = lambda t, r, K: K * np.exp(np.log(50.0 / K) * np.exp(-r * t))
p, c = curve_fit(f, t, y, p0=[0.2, 1000.0], sigma=np.full(len(t), 20.0), absolute_sigma=True, xtol=1e-14, ftol=1e-14, gtol=1e-14, maxfev=100000)
print(json.dumps({'p': p.tolist(), 'se': np.sqrt(np.diag(c)).tolist()}))
""";

    [Fact]
    public void Ode_fit_with_sensitivities_matches_scipy_curve_fit_on_the_closed_form()
    {
        // SciPy fits the closed-form Gompertz curve with its own Levenberg–Marquardt (MINPACK) and reports the
        // covariance (JᵀJ)⁻¹ of the σ-weighted residuals; we fit the ODE (Tsit5, rtol 1e-8) with forward
        // sensitivities. Estimates agree to 1e-5 relative (ODE error ≈ 1e-8 plus optimiser tolerances) and standard
        // errors to 1e-3 relative (SciPy's Jacobian is a finite difference).
        var y = GompertzData();
        var fit = OdeCalibration.Fit(TumourGrowthModels.Gompertz(), new Observations("V", Times, y), ResidualErrorModel.Gaussian(20),
            ["r", "K"], [0.2, 1000], [1e-3, 100], [2, 1e5]);
        var json = JsonDocument.Parse(DebianPython.Run(CurveFit, JsonSerializer.Serialize(new { t = Times, y })));
        var p = json.RootElement.GetProperty("p").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var se = json.RootElement.GetProperty("se").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(fit.Converged, fit.Message);
        for (var k = 0; k < 2; k++)
        {
            Assert.True(Math.Abs(fit.Parameters[k] - p[k]) < 1e-5 * Math.Abs(p[k]), $"θ{k}: {fit.Parameters[k]} vs SciPy {p[k]}");
            Assert.True(Math.Abs(fit.StandardErrors[k] - se[k]) < 1e-3 * se[k], $"se{k}: {fit.StandardErrors[k]} vs SciPy {se[k]}");
        }

        Assert.All(fit.AtBound, b => Assert.False(b));
    }

    [Fact]
    public void Noise_free_data_recover_the_known_parameters_from_every_start()
    {
        // Exponential decay y = A e^{−k t}: exact data, multi-start from random points in the box; the best fit
        // recovers (A, k) = (3, 0.4) to 1e-8 relative (finite-difference Jacobian, cost tolerance 1e-12).
        double[] t = [.. Enumerable.Range(0, 20).Select(i => 0.5 * i)];
        var y = t.Select(ti => 3 * Math.Exp(-0.4 * ti)).ToArray();
        void Residuals(ReadOnlySpan<double> q, Span<double> r)
        {
            for (var i = 0; i < t.Length; i++)
            {
                r[i] = y[i] - (q[0] * Math.Exp(-q[1] * t[i]));
            }
        }

        var fits = LevenbergMarquardt.MultiStart(Residuals, t.Length, [1, 1], [0.1, 0.01], [10, 5], extraStarts: 5, seed: 2);
        Assert.Equal(6, fits.Count);
        Assert.Equal(3, fits[0].Parameters[0], 7);
        Assert.Equal(0.4, fits[0].Parameters[1], 8);
    }

    [Fact]
    public void A_fit_pressing_against_a_bound_is_reported_at_the_bound()
    {
        // The data want k = 0.4 but the upper bound is 0.3: the fit stops there and says so.
        double[] t = [.. Enumerable.Range(0, 20).Select(i => 0.5 * i)];
        var y = t.Select(ti => 3 * Math.Exp(-0.4 * ti)).ToArray();
        var fit = LevenbergMarquardt.Minimise((q, r) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                r[i] = y[i] - (q[0] * Math.Exp(-q[1] * t[i]));
            }
        }, t.Length, [1, 0.1], [0.1, 0.01], [10, 0.3]);
        Assert.Equal(0.3, fit.Parameters[1]);
        Assert.True(fit.AtBound[1]);
        Assert.False(fit.AtBound[0]);
    }

    [Fact]
    public void Profile_likelihood_is_minimal_at_the_estimate_and_rises_away_from_it()
    {
        // Linear model y = a + b t with Gaussian noise (sd 1, standardised residuals): the profile of b is exactly
        // quadratic, cost(b) − cost(b̂) = (b − b̂)² / (2 se_b²), so at b̂ ± 1.96 se the increase is 1.92.
        double[] t = [.. Enumerable.Range(0, 30).Select(i => (double)i)];
        var stream = RandomStream.For(4, "linear");
        var y = t.Select(ti => 1 + (0.5 * ti) + stream.NextNormal()).ToArray();
        void Residuals(ReadOnlySpan<double> q, Span<double> r)
        {
            for (var i = 0; i < t.Length; i++)
            {
                r[i] = y[i] - q[0] - (q[1] * t[i]);
            }
        }

        double[] lower = [-100, -100], upper = [100, 100];
        var best = LevenbergMarquardt.Minimise(Residuals, t.Length, [0, 0], lower, upper, options: new LevenbergMarquardtOptions { ResidualsStandardised = true });
        var se = best.StandardErrors[1];
        var profile = LevenbergMarquardt.Profile(Residuals, t.Length, best, lower, upper, 1, [best.Parameters[1] - (1.96 * se), best.Parameters[1], best.Parameters[1] + (1.96 * se)]);
        Assert.Equal(best.Cost, profile[1].Cost, 8);
        Assert.Equal(1.96 * 1.96 / 2, profile[0].Cost - best.Cost, 5);
        Assert.Equal(1.96 * 1.96 / 2, profile[2].Cost - best.Cost, 5);
    }

    [Fact]
    public void Residual_error_models_give_the_documented_densities()
    {
        // Against SciPy's normal and log-normal densities.
        var expected = DebianPython.Run("from scipy.stats import norm, lognorm; import numpy as np; print(repr(norm.logpdf(12, 10, 2)), repr(norm.logpdf(12, 10, 0.1 * 10)), repr(norm.logpdf(12, 10, np.hypot(1, 0.1 * 10))), repr(lognorm.logpdf(12, 0.2, scale=10)))")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected[0], ResidualErrorModel.Gaussian(2).LogLikelihood(12, 10), 12);
        Assert.Equal(expected[1], ResidualErrorModel.ProportionalError(0.1).LogLikelihood(12, 10), 12);
        Assert.Equal(expected[2], ResidualErrorModel.Combined(1, 0.1).LogLikelihood(12, 10), 12);
        Assert.Equal(expected[3], ResidualErrorModel.LogNormal(0.2).LogLikelihood(12, 10), 12);
    }
}
