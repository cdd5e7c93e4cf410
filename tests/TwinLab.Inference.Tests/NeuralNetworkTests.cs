using TwinLab.Core.Randomness;
using TwinLab.Inference.Neural;

namespace TwinLab.Inference.Tests;

public class NeuralNetworkTests
{
    // Central differences in single precision with step h = 1e-2 have truncation error O(h²) ≈ 1e-4 relative and
    // round-off ≈ 1e-7 / h ≈ 1e-5; a relative tolerance of 2e-2 (with an absolute floor of 2e-3) leaves room for both
    // while still catching any wrong factor or sign.
    private const double Step = 1e-2;

    /// <summary>A density estimator's gradient of the mean negative log density over a batch, against central
    /// differences of <see cref="ConditionalDensityEstimator.LogProb"/>.</summary>
    internal static void AssertEstimatorGradientsMatch(ConditionalDensityEstimator estimator, float[] theta, float[] context, int batch, int checksPerArray) =>
        AssertGradientsMatch(
            () =>
            {
                var lp = new double[batch];
                estimator.LogProb(theta, context, batch, lp);
                return -lp.Average();
            },
            () =>
            {
                foreach (var (_, g) in estimator.Parameters())
                {
                    Array.Clear(g);
                }

                estimator.LossAndGradient(theta, context, batch);
            },
            estimator.Parameters(),
            checksPerArray);

    internal static void AssertGradientsMatch(Func<double> loss, Action zeroAndBackprop, IEnumerable<(float[] Values, float[] Gradients)> parameters, int checksPerArray = 6)
    {
        zeroAndBackprop();
        var checkedCount = 0;
        var stream = RandomStream.For(7, "gradient-check");
        foreach (var (values, gradients) in parameters)
        {
            var analytic = (float[])gradients.Clone();
            for (var c = 0; c < checksPerArray; c++)
            {
                var i = (int)stream.NextUInt32((uint)values.Length);
                var original = values[i];
                if (original == 0f)
                {
                    // A masked MADE connection: held at exactly zero by construction, not a free parameter.
                    continue;
                }

                values[i] = original + (float)Step;
                var up = loss();
                values[i] = original - (float)Step;
                var down = loss();
                values[i] = original;
                var numeric = (up - down) / (2 * Step);
                var tolerance = Math.Max(2e-3, 2e-2 * Math.Abs(numeric));
                Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance, $"parameter {i}: numeric {numeric}, analytic {analytic[i]}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 0);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void Mlp_gradients_match_finite_differences(Activation activation)
    {
        var network = Mlp.Create(3, [5, 4], 2, activation);
        var stream = RandomStream.For(1, "init");
        foreach (var layer in network.Layers)
        {
            layer.InitialiseDefault(ref stream);
        }

        const int batch = 4;
        var input = new float[batch * 3];
        var target = new float[batch * 2];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)stream.NextNormal();
        }

        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (float)stream.NextNormal();
        }

        double Loss()
        {
            var output = network.Forward(input, batch);
            var sum = 0.0;
            for (var i = 0; i < output.Length; i++)
            {
                sum += 0.5 * (output[i] - target[i]) * (output[i] - target[i]);
            }

            return sum;
        }

        void Backprop()
        {
            foreach (var (_, g) in network.Parameters())
            {
                Array.Clear(g);
            }

            var output = network.Forward(input, batch).ToArray();
            var gradient = new float[output.Length];
            for (var i = 0; i < output.Length; i++)
            {
                gradient[i] = output[i] - target[i];
            }

            network.Backward(input, gradient, [], batch);
        }

        AssertGradientsMatch(Loss, Backprop, network.Parameters());
    }

    private static (float[] Theta, float[] Context) RandomBatch(int batch, int d, int c, ulong seed)
    {
        var stream = RandomStream.For(seed, "batch");
        var theta = new float[batch * d];
        var context = new float[batch * c];
        for (var i = 0; i < theta.Length; i++)
        {
            theta[i] = (float)stream.NextNormal();
        }

        for (var i = 0; i < context.Length; i++)
        {
            context[i] = (float)stream.NextNormal();
        }

        return (theta, context);
    }

    [Fact]
    public void Blocked_products_match_a_double_precision_product_and_do_not_depend_on_the_shape_around_an_element()
    {
        // Shapes that exercise the four-row blocks, the single rows, the sixteen- and eight-column vectors and the
        // scalar columns, with A read directly (stride depth) and transposed (stride 1 along rows).
        var stream = RandomStream.For(3, "product");
        foreach (var (rows, depth, columns) in new[] { (1, 1, 1), (4, 10, 16), (7, 13, 41), (9, 100, 100), (200, 10, 30), (5, 3, 8) })
        {
            foreach (var transposed in new[] { false, true })
            {
                var a = Enumerable.Range(0, rows * depth).Select(_ => (float)stream.NextNormal()).ToArray();
                var b = Enumerable.Range(0, depth * columns).Select(_ => (float)stream.NextNormal()).ToArray();
                var start = Enumerable.Range(0, rows * columns).Select(_ => (float)stream.NextNormal()).ToArray();
                var (rowStride, depthStride) = transposed ? (1, rows) : (depth, 1);
                var c = (float[])start.Clone();
                DenseLayer.AccumulateProduct(a, rowStride, depthStride, rows, depth, b, columns, c);
                for (var r = 0; r < rows; r++)
                {
                    // The same row alone (one row, so never in a four-row block) gives the same bits.
                    var single = start.AsSpan(r * columns, columns).ToArray();
                    var rowOfA = Enumerable.Range(0, depth).Select(k => a[(r * rowStride) + (k * depthStride)]).ToArray();
                    DenseLayer.AccumulateProduct(rowOfA, depth, 1, 1, depth, b, columns, single);
                    for (var j = 0; j < columns; j++)
                    {
                        var exact = (double)start[(r * columns) + j];
                        var magnitude = Math.Abs(exact);
                        for (var k = 0; k < depth; k++)
                        {
                            exact += (double)rowOfA[k] * b[(k * columns) + j];
                            magnitude += Math.Abs((double)rowOfA[k] * b[(k * columns) + j]);
                        }

                        // Single-precision accumulation of `depth` products: error at most about depth · 2⁻²⁴ of the
                        // sum of magnitudes (8e-6 at depth 100); 1e-5 of the magnitudes (plus one rounding) bounds it.
                        Assert.True(Math.Abs(c[(r * columns) + j] - exact) <= (1e-5 * magnitude) + 1e-6, $"{rows}×{depth}×{columns}, transposed {transposed}, [{r}, {j}]");
                        Assert.Equal(single[j], c[(r * columns) + j]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Flow_gradients_match_finite_differences()
    {
        var stream = RandomStream.For(2, "init");
        var flow = new MaskedAutoregressiveFlow(3, 2, transforms: 3, hidden: 8, ref stream);
        var (theta, context) = RandomBatch(5, 3, 2, 3);
        AssertEstimatorGradientsMatch(flow, theta, context, 5, checksPerArray: 4);
    }

    [Fact]
    public void Mixture_density_network_gradients_match_finite_differences()
    {
        var stream = RandomStream.For(4, "init");
        var mdn = new MixtureDensityNetwork(3, 2, components: 3, hidden: 8, ref stream);
        var (theta, context) = RandomBatch(5, 3, 2, 5);
        AssertEstimatorGradientsMatch(mdn, theta, context, 5, checksPerArray: 6);
    }

    [Fact]
    public void Made_outputs_depend_only_on_earlier_variables()
    {
        // The autoregressive property: output i (and d + i) must not change when θ_j, j ≥ i, changes.
        var stream = RandomStream.For(5, "init");
        const int d = 4, c = 2;
        var made = MaskedAutoregressiveFlow.CreateMade(d, c, 16, ref stream);
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
                Assert.Equal(baseline[i], output[i]);
                Assert.Equal(baseline[d + i], output[d + i]);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_dimensional_densities_integrate_to_one(bool flow)
    {
        // ∫ q(θ | x) dθ = 1 by the change-of-variables formula; a trapezoid rule on [−30, 30] with step 1e-3 is exact
        // to far below the 1e-3 tolerance for these smooth, light-tailed densities (single-precision evaluation: ~1e-6).
        var stream = RandomStream.For(6, "init");
        ConditionalDensityEstimator estimator = flow
            ? new MaskedAutoregressiveFlow(1, 2, transforms: 3, hidden: 8, ref stream)
            : new MixtureDensityNetwork(1, 2, components: 3, hidden: 8, ref stream);
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
        estimator.LogProb(theta, context, n, lp);
        var integral = 0.0;
        for (var i = 0; i < n - 1; i++)
        {
            integral += 0.5 * (Math.Exp(lp[i]) + Math.Exp(lp[i + 1])) * 1e-3;
        }

        Assert.InRange(integral, 0.999, 1.001);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Samples_follow_the_density(bool flow)
    {
        // Draws must come from the density that LogProb evaluates: the sample mean of θ agrees with ∫ θ q(θ) dθ
        // (trapezoid rule) within 4 standard errors of the mean of 20 000 draws.
        var stream = RandomStream.For(8, "init");
        ConditionalDensityEstimator estimator = flow
            ? new MaskedAutoregressiveFlow(1, 1, transforms: 2, hidden: 6, ref stream)
            : new MixtureDensityNetwork(1, 1, components: 2, hidden: 6, ref stream);
        const int n = 40_001;
        var grid = new float[n];
        var context = new float[n];
        for (var i = 0; i < n; i++)
        {
            grid[i] = (float)(-20 + (i * 1e-3));
            context[i] = 0.7f;
        }

        var lp = new double[n];
        estimator.LogProb(grid, context, n, lp);
        double mean = 0, second = 0;
        for (var i = 0; i < n; i++)
        {
            var w = Math.Exp(lp[i]) * 1e-3;
            mean += w * grid[i];
            second += w * grid[i] * grid[i];
        }

        var sd = Math.Sqrt(second - (mean * mean));
        const int draws = 20_000;
        var samples = new float[draws];
        var sampling = RandomStream.For(9, "sample");
        estimator.Sample([0.7f], draws, ref sampling, samples);
        var sampleMean = samples.Average(v => (double)v);
        Assert.True(Math.Abs(sampleMean - mean) < 4 * sd / Math.Sqrt(draws), $"sample mean {sampleMean}, density mean {mean}");
    }

    [Fact]
    public void Adam_takes_exactly_the_textbook_steps_element_by_element()
    {
        // Kingma and Ba's update written out in double precision, one element at a time: the vectorised update must
        // give the same bits on every element, those in whole vectors and the tail alike (37 is not a multiple of any
        // vector width).
        var stream = RandomStream.For(5, "adam");
        var values = Enumerable.Range(0, 37).Select(_ => (float)stream.NextNormal()).ToArray();
        var gradients = new float[37];
        var expected = (float[])values.Clone();
        var adam = new Adam([(values, gradients)], 0.01);
        double[] m = new double[37], v = new double[37];
        for (var step = 1; step <= 5; step++)
        {
            for (var i = 0; i < 37; i++)
            {
                gradients[i] = (float)stream.NextNormal();
            }

            adam.Step();
            var stepSize = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, step)) / (1 - Math.Pow(0.9, step));
            for (var i = 0; i < 37; i++)
            {
                double g = gradients[i];
                m[i] = (0.9 * m[i]) + ((1 - 0.9) * g);
                v[i] = (0.999 * v[i]) + ((1 - 0.999) * g * g);
                expected[i] -= (float)(stepSize * m[i] / (Math.Sqrt(v[i]) + 1e-8));
            }

            Assert.Equal(expected, values);
        }
    }

    [Fact]
    public void Adam_minimises_a_quadratic()
    {
        // Adam on f(w) = Σ (w_i − i)² reaches the known minimiser.
        var values = new float[] { 5, -3, 0.5f };
        var gradients = new float[3];
        var adam = new Adam([(values, gradients)], 0.05);
        for (var step = 0; step < 3000; step++)
        {
            for (var i = 0; i < 3; i++)
            {
                gradients[i] = 2 * (values[i] - i);
            }

            adam.Step();
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, values[i], 2);
        }
    }
}

public class TwoDimensionalSamplingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Two_dimensional_draws_match_the_density_moments(bool flow)
    {
        var stream = RandomStream.For(3, "init");
        ConditionalDensityEstimator estimator = flow
            ? new MaskedAutoregressiveFlow(2, 1, transforms: 3, hidden: 8, ref stream)
            : new MixtureDensityNetwork(2, 1, components: 3, hidden: 8, ref stream);
        AssertDrawsMatchDensityMoments(estimator);
    }

    /// <summary>Moments of q(θ | x = 0.5) of a 2-D estimator by a grid (step 0.05 on [−20, 20]²; its mass within 0.5 %
    /// of 1) against the moments of 20 000 draws: means within 4 standard errors, standard deviations within 3 %
    /// (the sd of a sample sd of 20 000 draws is about 0.5 %, so 3 % is 6 sd even for moderately heavy tails).</summary>
    internal static void AssertDrawsMatchDensityMoments(ConditionalDensityEstimator estimator)
    {
        const int n = 801;
        const double h = 0.05;
        var theta = new float[n * n * 2];
        var context = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                theta[((i * n) + j) * 2] = (float)(-20 + (i * h));
                theta[(((i * n) + j) * 2) + 1] = (float)(-20 + (j * h));
                context[(i * n) + j] = 0.5f;
            }
        }

        var lp = new double[n * n];
        estimator.LogProb(theta, context, n * n, lp);
        var mean = new double[2];
        var second = new double[2];
        var mass = 0.0;
        for (var k = 0; k < n * n; k++)
        {
            var w = Math.Exp(lp[k]) * h * h;
            mass += w;
            for (var c = 0; c < 2; c++)
            {
                mean[c] += w * theta[(2 * k) + c];
                second[c] += w * theta[(2 * k) + c] * theta[(2 * k) + c];
            }
        }

        Assert.InRange(mass, 0.995, 1.005);
        const int draws = 20_000;
        var samples = new float[draws * 2];
        var sampling = RandomStream.For(4, "sample");
        estimator.Sample([0.5f], draws, ref sampling, samples);
        for (var c = 0; c < 2; c++)
        {
            var sd = Math.Sqrt(second[c] - (mean[c] * mean[c]));
            double sampleMean = 0, sampleSecond = 0;
            for (var k = 0; k < draws; k++)
            {
                sampleMean += samples[(2 * k) + c];
                sampleSecond += samples[(2 * k) + c] * (double)samples[(2 * k) + c];
            }

            sampleMean /= draws;
            var sampleSd = Math.Sqrt((sampleSecond / draws) - (sampleMean * sampleMean));
            Assert.True(Math.Abs(sampleMean - mean[c]) < 4 * sd / Math.Sqrt(draws), $"component {c}: sample mean {sampleMean}, density mean {mean[c]}");
            Assert.True(Math.Abs(sampleSd - sd) < 0.03 * sd, $"component {c}: sample sd {sampleSd}, density sd {sd}");
        }
    }
}
