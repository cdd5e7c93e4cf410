using Xunit.Abstractions;
using TwinLab.TestSupport;
using TwinLab.Tissue.Fields;

namespace TwinLab.Tissue.Tests;

/// <summary>Steady oxygen in a sphere of consuming tissue against the analytic solutions (docs/methods/tissue.md).</summary>
public sealed class SphereOxygenTests(ITestOutputHelper output)
{
    private const double D = 1e5;          // µm²/min
    private const double Radius = 100;     // µm
    private const double FarField = 38;    // mmHg

    /// <summary>Builds a cube lattice of spacing h whose voxels at r ≥ R are held at boundary(r); voxel centres sit at
    /// (i − (n−1)/2)·h so the sphere's centre is a voxel centre.</summary>
    private static (DiffusionField Field, SiteRates Rates, Func<int, double> RadiusOf) Sphere(double h, Func<double, double> boundary, double rate)
    {
        int n = (2 * (int)Math.Ceiling(Radius / h)) + 3;
        var lattice = Lattice.Cube(n, h);
        var field = new DiffusionField("oxygen", "mmHg", lattice, D, 0, FaceBoundary.Closed);
        var rates = new SiteRates(lattice, 1);
        double centre = (n - 1) / 2.0;
        double RadiusOf(int index)
        {
            var (x, y, z) = lattice.Coordinates(index);
            return h * Math.Sqrt(((x - centre) * (x - centre)) + ((y - centre) * (y - centre)) + ((z - centre) * (z - centre)));
        }
        for (int i = 0; i < lattice.VoxelCount; i++)
        {
            double r = RadiusOf(i);
            if (r >= Radius)
            {
                field.Hold(i, boundary(r));
            }
            else
            {
                field.Concentrations[i] = FarField;
                rates.Rates[i] = rate;
            }
        }
        return (field, rates, RadiusOf);
    }

    private static double MaxInteriorError(DiffusionField field, Func<int, double> radiusOf, Func<double, double> exact)
    {
        double worst = 0;
        for (int i = 0; i < field.Lattice.VoxelCount; i++)
        {
            if (!field.IsHeld(i))
            {
                worst = Math.Max(worst, Math.Abs(field.Concentrations[i] - exact(radiusOf(i))));
            }
        }
        return worst;
    }

    private static double FirstOrderExact(double r, double length) =>
        r < 1e-12 ? FarField * Radius / (length * Math.Sinh(Radius / length))
                  : FarField * Radius * Math.Sinh(r / length) / (r * Math.Sinh(Radius / length));

    [Fact]
    public void FirstOrderUptake_ConvergesAtSecondOrder_ToTheSinhProfile()
    {
        const double uptake = 40; // 1/min, so L = √(D/u) = 50 µm and c(0)/c∞ = 2/sinh 2 ≈ 0.55
        double length = Math.Sqrt(D / uptake);
        double Exact(double r) => FirstOrderExact(r, length);
        var errors = new List<double>();
        foreach (double h in new[] { 10.0, 5.0 })
        {
            // Held at the exact solution's continuation, so only the interior discretisation error remains.
            var (field, rates, radiusOf) = Sphere(h, Exact, uptake);
            var result = DiffusionSolver.SolveSteadyState(field, rates, null, 1e-11, maxThreads: 2);
            Assert.True(result.Converged, $"SOR did not converge: {result}");
            errors.Add(MaxInteriorError(field, radiusOf, Exact));
        }
        // The 7-point Laplacian is second order: halving h divides the error by about 4 (observed order 2 ± 0.4).
        double order = Math.Log2(errors[0] / errors[1]);
        output.WriteLine($"first order: errors {errors[0]:E3}, {errors[1]:E3} mmHg; observed order {order:F2}");
        Assert.InRange(order, 1.6, 2.4);
        // Truncation error h²/12·|c''''|·(L²/D-scaled): at h = 5 µm the error stays below 0.1 % of c∞.
        Assert.True(errors[1] < 1e-3 * FarField, $"error {errors[1]} mmHg at h = 5 µm");
    }

    [Fact]
    public void FirstOrderUptake_ByMultigrid_ConvergesAtSecondOrder_ToTheSinhProfile()
    {
        const double uptake = 40;
        double length = Math.Sqrt(D / uptake);
        double Exact(double r) => FirstOrderExact(r, length);
        var errors = new List<double>();
        foreach (double h in new[] { 10.0, 5.0, 2.5 })
        {
            var (field, rates, radiusOf) = Sphere(h, Exact, uptake);
            var result = DiffusionSolver.SolveSteadyStateMultigrid(field, rates, 1e-11, maxThreads: 2);
            output.WriteLine($"h = {h}: {result}");
            Assert.True(result.Converged, $"multigrid did not converge: {result}");
            errors.Add(MaxInteriorError(field, radiusOf, Exact));
        }
        // The same discrete solution as SOR's (see MultigridTests), so the same second-order convergence; the third
        // resolution (83³ voxels) is affordable only with multigrid.
        double order = Math.Log2(errors[0] / errors[1]), finer = Math.Log2(errors[1] / errors[2]);
        output.WriteLine($"multigrid, first order: errors {errors[0]:E3}, {errors[1]:E3}, {errors[2]:E3} mmHg; observed orders {order:F2}, {finer:F2}");
        Assert.InRange(order, 1.6, 2.4);
        Assert.InRange(finer, 1.6, 2.4);
    }

    [Fact]
    public void FirstOrderUptake_WithStaircaseBoundaryHeldAtFarField_IsWithinOneSpacingOfTheBoundary()
    {
        const double uptake = 40;
        double length = Math.Sqrt(D / uptake);
        foreach (double h in new[] { 10.0, 5.0 })
        {
            var (field, rates, radiusOf) = Sphere(h, _ => FarField, uptake);
            Assert.True(DiffusionSolver.SolveSteadyState(field, rates, null, 1e-11, maxThreads: 2).Converged);
            double error = MaxInteriorError(field, radiusOf, r => FirstOrderExact(r, length));
            // Holding every voxel with r ≥ R at c∞ puts the effective boundary somewhere in [R, R + h): the profile is
            // shifted by at most h, so the error is at most h·c′(R), c′(R) = c∞(coth(R/L)/L − 1/R).
            double slope = FarField * ((1 / (length * Math.Tanh(Radius / length))) - (1 / Radius));
            output.WriteLine($"staircase h = {h}: error {error:E3}, bound {h * slope:E3}");
            Assert.True(error <= h * slope, $"h = {h}: error {error} > h·c′(R) = {h * slope}");
        }
    }

    [Fact]
    public void ZeroOrderConsumption_IsExactForTheQuadraticProfile()
    {
        const double q = 1200; // mmHg/min: c(0) = c∞ − qR²/(6D) = 18 mmHg > 0, no necrotic core
        double Exact(double r) => FarField - (q / (6 * D) * ((Radius * Radius) - (r * r)));
        var (field, rates, radiusOf) = Sphere(10, Exact, 0);
        var consumption = new SiteRates(field.Lattice, 1);
        for (int i = 0; i < field.Lattice.VoxelCount; i++)
        {
            consumption.Rates[i] = field.IsHeld(i) ? 0 : q;
        }
        var result = DiffusionSolver.SolveSteadyState(field, null, consumption, 1e-12, maxThreads: 2);
        Assert.True(result.Converged);
        // The discrete Laplacian of a quadratic is exact, so only the solver's stopping error remains: SOR stops when
        // updates fall below 1e-12; with a contraction factor near 1 − π/n the remaining error is ≲ 1e-12·n/π ≪ 1e-8.
        double zeroOrderError = MaxInteriorError(field, radiusOf, Exact);
        output.WriteLine($"zero order: error {zeroOrderError:E3} after {result.Iterations} sweeps");
        Assert.True(zeroOrderError < 1e-8);
    }

    [Fact]
    public void ZeroOrderConsumption_WithANecroticCore_MatchesTheFreeBoundarySolution()
    {
        const double q = 4000; // mmHg/min: qR²/(6D) ≈ 66.7 > c∞, so a core with c = 0 forms
        // The core radius Rn solves R² − 3Rn² + 2Rn³/R = 6Dc∞/q (docs/methods/tissue.md); SciPy's brentq finds it.
        string script = "import sys\nfrom scipy.optimize import brentq\nR,D,c,q=map(float,sys.argv[1:])\n"
            + "print(repr(brentq(lambda a: R*R-3*a*a+2*a**3/R-6*D*c/q, 0.0, R, xtol=1e-14)))";
        double rn = double.Parse(DebianPython.Run(script, "", "100", "1e5", "38", "4000"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rn, 40, 50);
        double Exact(double r) => r <= rn ? 0 : q / (6 * D) * ((r * r) + (2 * rn * rn * rn / r) - (3 * rn * rn));
        var errors = new List<double>();
        var coreErrors = new List<double>();
        foreach (double h in new[] { 10.0, 5.0 })
        {
            var (field, _, radiusOf) = Sphere(h, Exact, 0);
            var consumption = new SiteRates(field.Lattice, 1);
            for (int i = 0; i < field.Lattice.VoxelCount; i++)
            {
                consumption.Rates[i] = field.IsHeld(i) ? 0 : q;
            }
            var result = DiffusionSolver.SolveSteadyState(field, null, consumption, 1e-11, maxThreads: 2);
            Assert.True(result.Converged);
            errors.Add(MaxInteriorError(field, radiusOf, Exact));
            int core = 0;
            for (int i = 0; i < field.Lattice.VoxelCount; i++)
            {
                if (!field.IsHeld(i) && field.Concentrations[i] == 0)
                {
                    core++;
                }
            }
            double coreRadius = Math.Cbrt(3 * core * h * h * h / (4 * Math.PI));
            coreErrors.Add(Math.Abs(coreRadius - rn));
        }
        // Near the free boundary c ≈ (q/2D)(r − Rn)², so misplacing the boundary by a fraction of h costs O(h²):
        // the error must fall with h and stay below (q/2D)·h² at each resolution.
        output.WriteLine($"necrotic core Rn = {rn:F3} µm; errors {errors[0]:E3}, {errors[1]:E3}; core radius errors {coreErrors[0]:F2}, {coreErrors[1]:F2} µm");
        Assert.True(errors[1] < errors[0], $"errors {errors[0]}, {errors[1]}");
        Assert.True(errors[0] < q / (2 * D) * 100 && errors[1] < q / (2 * D) * 25, $"errors {errors[0]}, {errors[1]}");
        // The core's equivalent radius (counting voxels at exactly 0) is within one spacing of Rn.
        Assert.True(coreErrors[0] < 10 && coreErrors[1] < 5, $"core radius errors {coreErrors[0]}, {coreErrors[1]} µm");
    }

    [Fact]
    public void TimeSteppedLod_ReachesTheSteadyStateWithAFirstOrderSplittingError()
    {
        // LOD steps run to steady state keep a splitting error proportional to Δt (the reaction and the three sweeps
        // are applied one after another); against the SOR steady state on the same grid it must halve with Δt.
        const double uptake = 40;
        double length = Math.Sqrt(D / uptake);
        double Exact(double r) => FirstOrderExact(r, length);
        var (reference, rates, _) = Sphere(10, Exact, uptake);
        Assert.True(DiffusionSolver.SolveSteadyState(reference, rates, null, 1e-12, maxThreads: 2).Converged);
        var gaps = new List<double>();
        foreach (double dt in new[] { 0.002, 0.001 })
        {
            var (field, sameRates, _) = Sphere(10, Exact, uptake);
            int steps = (int)Math.Round(1.0 / dt); // 1 min: ten times the diffusion time R²/D and 40 uptake times 1/u
            for (int s = 0; s < steps; s++)
            {
                DiffusionSolver.StepImplicit(field, sameRates, dt, maxThreads: 2);
            }
            double gap = 0;
            for (int i = 0; i < field.Lattice.VoxelCount; i++)
            {
                gap = Math.Max(gap, Math.Abs(field.Concentrations[i] - reference.Concentrations[i]));
            }
            gaps.Add(gap);
        }
        output.WriteLine($"LOD against SOR steady state: {gaps[0]:E3} (Δt = 0.002 min), {gaps[1]:E3} (Δt = 0.001 min)");
        Assert.InRange(gaps[0] / gaps[1], 1.6, 2.4);
    }
}
