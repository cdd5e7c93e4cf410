using TwinLab.Core.Randomness;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Neural;
using TwinLab.Inference.Sbi;
using TwinLab.Inference.Tasks;

namespace TwinLab.Inference.Tests;

public class NeuralSplineFlowTests
{
    private const int Bins = 8;
    private const double Bound = 3.0;

    private static float[] RandomSpline(ulong seed)
    {
        // Unconstrained numbers of spread 1.5: bins of very different widths and heights, derivatives from ≈ 0.05 to 5.
        var stream = RandomStream.For(seed, "spline");
        var raw = new float[RationalQuadraticSpline.ParameterCount(Bins)];
        for (var j = 0; j < raw.Length; j++)
        {
            raw[j] = (float)(1.5 * stream.NextNormal());
        }

        return raw;
    }

    private static IEnumerable<double> Points()
    {
        // A grid across the interval, both tails, and the knots' neighbourhood is covered by the fine spacing.
        for (var x = -4.5; x <= 4.5; x += 0.0137)
        {
            yield return x;
        }
    }

    [Fact]
    public void Spline_inverse_undoes_the_forward_map_and_is_monotone_with_identity_tails()
    {
        // Inverting through the quadratic formula is exact up to round-off: |f⁻¹(f(x)) − x| ≤ 1e-9 (double precision
        // on values of order 1, with the cancellation-free root). The log-derivatives of the two directions agree to 1e-9.
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var raw = RandomSpline(seed);
            var previous = double.NegativeInfinity;
            foreach (var x in Points())
            {
                var y = RationalQuadraticSpline.Forward(x, raw, Bins, Bound, out var logForward);
                var back = RationalQuadraticSpline.Inverse(y, raw, Bins, Bound, out var logInverse);
                Assert.True(Math.Abs(back - x) < 1e-9, $"seed {seed}, x {x}: f⁻¹(f(x)) = {back}");
                Assert.True(Math.Abs(logForward - logInverse) < 1e-9, $"seed {seed}, x {x}: ln f′ {logForward} vs {logInverse}");
                Assert.True(y > previous, $"seed {seed}: not increasing at x = {x}");
                previous = y;
                if (Math.Abs(x) >= Bound)
                {
                    Assert.Equal(x, y);
                    Assert.Equal(0, logForward);
                }
            }

            // The end knots map to themselves, so the spline joins the identity tails continuously.
            Assert.Equal(-Bound, RationalQuadraticSpline.Forward(-Bound + 1e-12, raw, Bins, Bound, out _), 9);
            Assert.Equal(Bound, RationalQuadraticSpline.Forward(Bound - 1e-12, raw, Bins, Bound, out _), 9);
        }
    }

    [Fact]
    public void Spline_log_derivative_matches_central_finite_differences()
    {
        // Central differences with h = 1e-6 in double precision: truncation O(h² f‴) ≈ 1e-11 and round-off
        // ≈ 1e-16 / 1e-6 = 1e-10 on f′ of order 0.01–100; comparing ln f′ to a relative 1e-6 leaves wide room for
        // both yet catches any wrong term. Points within h of a knot or of ±B are skipped (f″ jumps there).
        const double h = 1e-6;
        var compared = 0;
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var raw = RandomSpline(seed);
            foreach (var x in Points())
            {
                if (Math.Abs(Math.Abs(x) - Bound) < 1e-3)
                {
                    continue;
                }

                RationalQuadraticSpline.Forward(x, raw, Bins, Bound, out var logDerivative);
                var numeric = (RationalQuadraticSpline.Forward(x + h, raw, Bins, Bound, out _) - RationalQuadraticSpline.Forward(x - h, raw, Bins, Bound, out _)) / (2 * h);
                Assert.True(Math.Abs(Math.Exp(logDerivative) - numeric) < 1e-6 * numeric + 1e-9, $"seed {seed}, x {x}: f′ {Math.Exp(logDerivative)} vs {numeric}");
                compared++;
            }
        }

        Assert.True(compared > 3000);
    }

    [Fact]
    public void Spline_gradients_with_respect_to_input_and_parameters_match_finite_differences()
    {
        // L = a·f(x) + b·ln f′(x) for fixed a, b. Parameters are single precision: each is perturbed by ≈ 1e-3 and the
        // difference quotient divides by the perturbation actually stored (so float rounding of θ ± h cancels);
        // truncation error O(h²) ≈ 1e-6 relative. Tolerance: 1e-4 relative plus 1e-7 absolute.
        const double a = 0.7, b = -1.3;
        var compared = 0;
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var raw = RandomSpline(seed);
            var gradient = new double[raw.Length];
            foreach (var x in new[] { -3.4, -2.71, -1.05, -0.2, 0.33, 1.7, 2.55, 3.2 })
            {
                double Loss(float[] r, double at) => (a * RationalQuadraticSpline.Forward(at, r, Bins, Bound, out var l)) + (b * l);
                var gx = RationalQuadraticSpline.Backward(x, raw, Bins, Bound, a, b, gradient);
                const double hx = 1e-6;
                var numericX = (Loss(raw, x + hx) - Loss(raw, x - hx)) / (2 * hx);
                Assert.True(Math.Abs(gx - numericX) < (1e-4 * Math.Abs(numericX)) + 1e-6, $"seed {seed}, x {x}: ∂L/∂x {gx} vs {numericX}");
                for (var j = 0; j < raw.Length; j++)
                {
                    var original = raw[j];
                    raw[j] = original + 1e-3f;
                    var up = Loss(raw, x);
                    var stepUp = (double)raw[j] - original;
                    raw[j] = original - 1e-3f;
                    var down = Loss(raw, x);
                    var stepDown = original - (double)raw[j];
                    raw[j] = original;
                    var numeric = (up - down) / (stepUp + stepDown);
                    Assert.True(Math.Abs(gradient[j] - numeric) < (1e-4 * Math.Abs(numeric)) + 1e-7, $"seed {seed}, x {x}, parameter {j}: {gradient[j]} vs {numeric}");
                    compared++;
                }
            }
        }

        Assert.Equal(3 * 8 * RationalQuadraticSpline.ParameterCount(Bins), compared);
    }

    [Fact]
    public void Flow_gradients_match_finite_differences()
    {
        var stream = RandomStream.For(12, "init");
        var flow = new NeuralSplineFlow(3, 2, transforms: 3, hidden: 8, bins: 6, bound: 3, ref stream);
        var batchStream = RandomStream.For(13, "batch");
        var theta = new float[5 * 3];
        var context = new float[5 * 2];
        for (var i = 0; i < theta.Length; i++)
        {
            theta[i] = (float)(1.5 * batchStream.NextNormal()); // some rows fall in the linear tails
        }

        for (var i = 0; i < context.Length; i++)
        {
            context[i] = (float)batchStream.NextNormal();
        }

        NeuralNetworkTests.AssertEstimatorGradientsMatch(flow, theta, context, 5, checksPerArray: 5);
    }

    [Fact]
    public void Made_spline_outputs_of_a_variable_depend_only_on_earlier_variables()
    {
        var stream = RandomStream.For(5, "init");
        const int d = 3, c = 2, p = 11;
        var made = MaskedAutoregressiveFlow.CreateMade(d, c, 12, p, ref stream);
        var input = new float[d + c];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)stream.NextNormal();
        }

        var baseline = made.Forward(input, 1).ToArray();
        for (var j = 0; j < d; j++)
        {
            var changed = (float[])input.Clone();
            changed[j] += 1.5f;
            var output = made.Forward(changed, 1).ToArray();
            for (var i = 0; i <= j; i++)
            {
                for (var q = 0; q < p; q++)
                {
                    Assert.Equal(baseline[(i * p) + q], output[(i * p) + q]);
                }
            }
        }
    }

    private static NeuralSplineFlow BentFlow(int d, int c, ulong seed, float factor)
    {
        // A freshly initialised flow is close to the identity; larger weights make the splines clearly non-linear.
        var stream = RandomStream.For(seed, "init");
        var flow = new NeuralSplineFlow(d, c, transforms: 3, hidden: 8, bins: 8, bound: 3, ref stream);
        foreach (var (values, _) in flow.Parameters())
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] *= factor;
            }
        }

        return flow;
    }

    [Fact]
    public void One_dimensional_density_integrates_to_one()
    {
        // ∫ q(θ | x) dθ = 1 by the change of variables; trapezoid rule on [−30, 30] with step 1e-3: the density is
        // piecewise smooth (second derivative jumps only at knots), so the rule's error is O(h²) ≈ 1e-6, and the tails
        // beyond ±30 are Gaussian (≈ 1e-190); single-precision evaluation adds ≈ 1e-6. Tolerance 1e-3.
        var flow = BentFlow(1, 2, 6, 4f);
        const int n = 60_001;
        var theta = new float[n];
        var context = new float[n * 2];
        for (var i = 0; i < n; i++)
        {
            theta[i] = (float)(-30 + (i * 1e-3));
            context[2 * i] = 0.3f;
            context[(2 * i) + 1] = -1.2f;
        }

        var lp = new double[n];
        flow.LogProb(theta, context, n, lp);
        var integral = 0.0;
        for (var i = 0; i < n - 1; i++)
        {
            integral += 0.5 * (Math.Exp(lp[i]) + Math.Exp(lp[i + 1])) * 1e-3;
        }

        Assert.InRange(integral, 0.999, 1.001);

        // And the density is not simply the base Gaussian: the bent splines move it measurably.
        var gaussian = -0.5 * Math.Log(2 * Math.PI);
        Assert.True(Math.Abs(lp[30_000] - gaussian) > 0.05, $"ln q(0) = {lp[30_000]} is the standard normal's");
    }

    [Fact]
    public void Two_dimensional_draws_match_the_density_moments()
    {
        var flow = BentFlow(2, 1, 3, 2f); // milder bends: the 0.05 grid must resolve the density
        TwoDimensionalSamplingTests.AssertDrawsMatchDensityMoments(flow);
    }

    [Fact]
    public void Npe_with_a_spline_flow_recovers_the_analytic_gaussian_linear_posterior()
    {
        // gaussian_linear: the posterior is N(x/2, 0.05·I) (sd 0.224). With 5000 simulations the spline flow's
        // posterior mean is within 0.1 (0.45 posterior sd) and its sd within 25 % in each of the 10 dimensions, and
        // C2ST against 1000 exact draws is below 0.62 (sbibm reports NSF ≈ 0.6–0.7 at 10³ and ≈ 0.55 at 10⁴
        // simulations; C2ST of two exact sets of 1000 draws is 0.5 ± 0.03).
        var task = BenchmarkTasks.Create("gaussian_linear");
        var (_, x) = task.Observe(1);
        var posterior = new Npe(task.Prior, task.Simulator, new NpeOptions { Estimator = DensityEstimator.NeuralSplineFlow, BatchSize = 100, LearningRate = 1e-3 })
            .Train(5000, seed: 11);
        var samples = posterior.Sample(x, 1000, seed: 12);
        var reference = task.SampleReferencePosterior(x, 1000, seed: 13);
        var mean = samples.Means();
        var sd = samples.StandardDeviations();
        for (var i = 0; i < 10; i++)
        {
            Assert.InRange(mean[i], (x[i] / 2) - 0.1, (x[i] / 2) + 0.1);
            Assert.InRange(sd[i], 0.75 * Math.Sqrt(0.05), 1.25 * Math.Sqrt(0.05));
        }

        var c2st = C2st.Score(reference.Values, samples.Values, 10, seed: 1);
        Assert.InRange(c2st, 0.4, 0.62);
    }

    [Fact]
    public void Spline_flow_training_is_reproducible_for_a_seed()
    {
        var task = BenchmarkTasks.Create("two_moons");
        var options = new NpeOptions { Estimator = DensityEstimator.NeuralSplineFlow, MaxEpochs = 3, Transforms = 2, HiddenUnits = 10 };
        var first = new Npe(task.Prior, task.Simulator, options).Train(500, seed: 3).Sample([0.1, 0.2], 50, seed: 4);
        var second = new Npe(task.Prior, task.Simulator, options).Train(500, seed: 3).Sample([0.1, 0.2], 50, seed: 4);
        Assert.Equal(first.Values, second.Values);
    }

    [Fact]
    public void Bad_spline_settings_are_rejected()
    {
        var prior = ParameterPrior.Repeated(1, new TwinLab.Core.Distributions.Uniform(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Npe(prior, new NpeOptions { Estimator = DensityEstimator.NeuralSplineFlow, SplineBins = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Npe(prior, new NpeOptions { Estimator = DensityEstimator.NeuralSplineFlow, SplineBound = 0 }));
    }
}
