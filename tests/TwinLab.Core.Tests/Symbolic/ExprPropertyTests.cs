using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Symbolic;

/// <summary>
/// Property-based tests of the symbolic core on random expression trees (see <see cref="ExprGenerators"/>):
/// simplification, printing and parsing, differentiation and compilation. Every property runs from a fixed seed, so
/// a run is reproducible; a failure reports the (shrunk) expression as parseable text with its points.
/// </summary>
public class ExprPropertyTests
{
    private const int Cases = 400;

    private static readonly Symbol X = ExprGenerators.X;

    private static readonly SymbolLayout Layout = new(["x", "y"], []);

    private static void Run(Property property, ulong seed, int cases = Cases) =>
        Check.One(
            Config.QuickThrowOnFailure
                .WithMaxTest(cases)
                .WithQuietOnSuccess(true)
                .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None))),
            property);

    private static bool SameBits(double a, double b) =>
        BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Counts the points at which a property actually compared values, so that a property whose
    /// preconditions reject (almost) everything fails instead of passing vacuously.</summary>
    private sealed class Coverage
    {
        public int Points { get; private set; }
        public int Checked { get; private set; }

        public void Saw() => Points++;
        public void Compared() => Checked++;

        public void AssertAtLeast(double fraction, string what) =>
            Assert.True(Checked >= fraction * Points,
                $"{what}: only {Checked} of {Points} points were comparable; the generator or the preconditions need attention.");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Simplification

    /// <summary>
    /// Simplify() keeps the value wherever the original is defined. "Defined" means the evaluation never meets a
    /// non-finite or subnormal intermediate and no comparison that picks a branch is a near tie: rules such as
    /// 0·a → 0, a − a → 0 or a / a → 1 remove sub-expressions that would be infinite or NaN at some points, and a
    /// NaN compared in a condition selects a branch, so outside that domain a different value is intended. Inside
    /// it, the values agree to rounding: simplification re-associates constant products (c1·(c2·a) → (c1 c2)·a) and
    /// merges integer powers ((a^i)^j → a^(i j)), which changes the result by a few ulps of the largest value computed
    /// on the way. Cancellation can leave that error large compared with the result itself, so the tolerance is
    /// 1e-9 relative to the largest intermediate magnitude, <see cref="Probe.Scale"/> (which is at least the
    /// result's magnitude): a million times the rounding effect, yet far below any real change of value. Points where
    /// a comparison is closer than 1e-8 of the magnitudes that went into it are skipped because those few ulps could
    /// flip it. The property holds for the tree and for each of its sub-expressions.
    /// </summary>
    [Fact]
    public void Simplify_preserves_values_where_the_original_is_defined()
    {
        var coverage = new Coverage();
        Run(Prop.ForAll(ExprGenerators.Cases(smooth: false), c =>
        {
            // Every sub-expression is a random tree too, and the small ones are defined at more points.
            foreach (var e in ExprGenerators.SubExpressions(c.Expr))
            {
                var simplified = e.Simplify();
                foreach (var point in c.Points)
                {
                    coverage.Saw();
                    var original = Probe.Run(e, point);
                    if (!original.WellConditioned)
                    {
                        continue;
                    }
                    coverage.Compared();
                    var value = simplified.Evaluate(point.ValueOf);
                    Assert.True(Math.Abs(value - original.Value) <= 1e-9 * original.Scale,
                        $"{e} = {Text(original.Value)} but simplified {simplified} = {Text(value)} at {point}");
                }
            }
        }), seed: 20251, cases: 1000);
        coverage.AssertAtLeast(0.6, "Simplify_preserves_values");
    }

    /// <summary>Simplify() is idempotent: its rules are applied bottom-up and every rule that builds a new node
    /// simplifies it, so a second pass finds nothing left to do.</summary>
    [Fact]
    public void Simplify_is_idempotent()
    {
        Run(Prop.ForAll(ExprGenerators.Cases(smooth: false, points: 1), c =>
        {
            foreach (var e in ExprGenerators.SubExpressions(c.Expr))
            {
                var once = e.Simplify();
                var twice = once.Simplify();
                Assert.True(twice.Size <= once.Size, $"Simplifying {e} again grew {once} into {twice}");
                Assert.True(once == twice, $"{e} simplifies to {once}, which simplifies further to {twice}");
            }
        }), seed: 20252, cases: 1000);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Printing

    /// <summary>ToString() prints text that ExprParser reads back to the same tree: equal structurally, printing to
    /// the same text, and evaluating to the same bits everywhere.</summary>
    [Fact]
    public void Printed_text_parses_back_to_an_equal_tree()
    {
        Run(Prop.ForAll(ExprGenerators.Cases(smooth: false), c =>
        {
            var text = c.Expr.ToString();
            var parsed = ExprParser.Parse(text);
            Assert.Equal(text, parsed.ToString());
            foreach (var point in c.Points)
            {
                double expected = c.Expr.Evaluate(point.ValueOf), actual = parsed.Evaluate(point.ValueOf);
                Assert.True(SameBits(expected, actual), $"'{text}' = {Text(expected)} but reads back as {Text(actual)} at {point}");
            }
            Assert.True(c.Expr == parsed, $"'{text}' reads back as a different tree");
        }), seed: 20253, cases: 1000);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Differentiation

    /// <summary>Evaluations of several trees at one point, with the bookkeeping for a tolerance: whether all were
    /// defined and the largest magnitude any of them met.</summary>
    private sealed class Values(Point point)
    {
        public bool Defined { get; private set; } = true;
        public double Scale { get; private set; }

        public double Of(Expr e)
        {
            var probe = Probe.Run(e, point);
            Defined &= probe.WellConditioned;
            Scale = Math.Max(Scale, probe.Scale);
            return probe.Value;
        }

        /// <summary>Takes hand-computed terms into account too.</summary>
        public double Term(double v)
        {
            Defined &= double.IsFinite(v);
            Scale = Math.Max(Scale, Math.Abs(v));
            return v;
        }
    }

    /// <summary>The largest intermediate magnitude at which a derivative rule is still checked; beyond it the
    /// tolerance below would be too loose to mean much.</summary>
    private const double RuleScaleLimit = 1e4;

    /// <summary>
    /// The rules d(a ± b) = da ± db, d(c·a) = c·da, d(a·b) = da·b + a·db, d(a/b) = da/b − a·db/b², the chain rule
    /// d(f(a)) = f'(a)·da for every unary f, the power rules for a^c, k^a and a^b, and the branch rules of min, max
    /// and if hold as identities between the derivative of the combination and the derivatives of the parts, for
    /// random sub-trees a and b. They are checked numerically at points where every tree involved is defined (see
    /// <see cref="Probe.WellConditioned"/>), so the non-smooth operators are covered too: the identity holds at every
    /// point, kinks included. The derivative simplifies as it goes (constant products re-associated, the operand of
    /// f simplified inside f'(a)), so the two sides differ by rounding: a few ulps of the largest value involved,
    /// amplified by at most that value where f' magnifies a perturbed argument (exp, sin, cos). The tolerance
    /// 1e-9 · max(1, S)², with S the largest magnitude met and points with S above 10⁴ skipped, covers that by orders
    /// of magnitude, while a wrong rule changes values by a relative O(1).
    /// </summary>
    [Fact]
    public void Derivatives_of_combinations_follow_the_textbook_rules()
    {
        var coverage = new Coverage();
        Run(Prop.ForAll(ExprGenerators.Pairs(), pair =>
        {
            var (a, b, c) = (pair.A, pair.B, pair.Scale);
            var k = Math.Abs(c) + 0.5; // a positive base
            var (da, db) = (a.Differentiate(X), b.Differentiate(X));
            var rules = new (string Name, Expr Combined, Func<Values, double, double, double, double, double> Expected)[]
            {
                ("d(a + b) = da + db", a + b, (v, av, bv, dav, dbv) => dav + dbv),
                ("d(a - b) = da - db", a - b, (v, av, bv, dav, dbv) => dav - dbv),
                ("d(c * a) = c * da", c * a, (v, av, bv, dav, dbv) => v.Term(c * dav)),
                ("d(a * b) = da * b + a * db", a * b, (v, av, bv, dav, dbv) => v.Term(dav * bv) + v.Term(av * dbv)),
                ("d(a / b) = da / b - a * db / b^2", a / b, (v, av, bv, dav, dbv) => v.Term(dav / bv) - v.Term(av * dbv / (bv * bv))),
                ("d(-a) = -da", -a, (v, av, bv, dav, dbv) => -dav),
                ("d(exp(a)) = exp(a) * da", Sym.Exp(a), (v, av, bv, dav, dbv) => v.Term(Math.Exp(av)) * dav),
                ("d(log(a)) = da / a", Sym.Log(a), (v, av, bv, dav, dbv) => v.Term(dav / av)),
                ("d(sqrt(a)) = da / (2 sqrt(a))", Sym.Sqrt(a), (v, av, bv, dav, dbv) => dav / v.Term(2 * Math.Sqrt(av))),
                ("d(sin(a)) = cos(a) * da", Sym.Sin(a), (v, av, bv, dav, dbv) => Math.Cos(av) * dav),
                ("d(cos(a)) = -sin(a) * da", Sym.Cos(a), (v, av, bv, dav, dbv) => -Math.Sin(av) * dav),
                ("d(tanh(a)) = (1 - tanh(a)^2) * da", Sym.Tanh(a), (v, av, bv, dav, dbv) => (1 - (Math.Tanh(av) * Math.Tanh(av))) * dav),
                ("d(abs(a)) = sign(a) * da", Sym.Abs(a), (v, av, bv, dav, dbv) => (av >= 0 ? 1 : -1) * dav),
                ("d(a^c) = c * a^(c - 1) * da", Sym.Pow(a, c), (v, av, bv, dav, dbv) => v.Term(c * ExprCompiler.Power(av, c - 1)) * dav),
                ("d(k^a) = k^a * log(k) * da", Sym.Pow(k, a), (v, av, bv, dav, dbv) => v.Term(ExprCompiler.Power(k, av)) * Math.Log(k) * dav),
                ("d(a^b) = a^b * (db * log(a) + b * da / a)", Sym.Pow(a, b),
                    (v, av, bv, dav, dbv) => v.Term(ExprCompiler.Power(av, bv)) * (v.Term(dbv * Math.Log(av)) + v.Term(bv * dav / av))),
                ("d(min(a, b)) = a <= b ? da : db", Sym.Min(a, b), (v, av, bv, dav, dbv) => av <= bv ? dav : dbv),
                ("d(max(a, b)) = a >= b ? da : db", Sym.Max(a, b), (v, av, bv, dav, dbv) => av >= bv ? dav : dbv),
                ("d(if(a > c, a, b)) = a > c ? da : db", Sym.If(a > c, a, b), (v, av, bv, dav, dbv) => av > c ? dav : dbv),
            };
            foreach (var point in pair.Points)
            {
                foreach (var (name, combined, expected) in rules)
                {
                    coverage.Saw();
                    var values = new Values(point);
                    double av = values.Of(a), bv = values.Of(b), dav = values.Of(da), dbv = values.Of(db);
                    var derivative = combined.Differentiate(X);
                    var actual = values.Of(derivative);
                    var wanted = values.Term(expected(values, av, bv, dav, dbv));
                    if (!values.Defined || values.Scale > RuleScaleLimit)
                    {
                        continue;
                    }
                    coverage.Compared();
                    var s = Math.Max(1, values.Scale);
                    Assert.True(Math.Abs(actual - wanted) <= 1e-9 * s * s,
                        string.Create(CultureInfo.InvariantCulture,
                            $"{name} fails at {point}: d/dx {combined} = {derivative} = {Text(actual)}, expected {Text(wanted)} (a = {Text(av)}, da = {Text(dav)}, b = {Text(bv)}, db = {Text(dbv)})"));
                }
            }
        }), seed: 20254, cases: 300);
        coverage.AssertAtLeast(0.25, "Derivative rules");
    }

    /// <summary>
    /// For smooth trees (no abs, min, max or conditionals) the derivative with respect to a variable v of the tree
    /// matches the central difference D(h) = (f(v + h) − f(v − h)) / 2h, h = 1e-6 · max(1, |v|), within
    /// 1e-5 · max(1, |f'|). D(h) has two errors, both estimated at every point. Truncation, about h² |f‴| / 6, is
    /// measured from the data: D(2h) has four times as much, so |D(h) − D(2h)| ≈ 3 h² |f‴| / 6 bounds it; a large
    /// value also flags points next to a pole or to the branch point of log or sqrt, where f is too curved for the
    /// step, and it picks up rounding noise as well. Rounding, about ε_f / h, takes the error ε_f of evaluating f as
    /// 4e-15 (about 18 ulps) of the largest intermediate magnitude. A point is checked only where the two estimates
    /// add up to less than a fifth of the tolerance, so the check has five times the estimated error as its budget.
    /// It is skipped where f or an intermediate is not finite or exceeds 10⁶ (f huge), and where an operator is
    /// evaluated where it has no derivative (sqrt(0), a power of 0: the chain rule does not apply there, even where f
    /// is locally constant, as log(a / a)^y is). Which points are skipped depends on f alone, never on the symbolic
    /// derivative, and a wrong rule is off by a relative O(1): the property fails for each derivative rule broken on
    /// purpose (sin' = sin, a product or quotient term dropped or with the wrong sign, exp without the inner
    /// derivative, n·a^(n−2) for the power rule, ...).
    /// </summary>
    [Fact]
    public void Derivatives_of_smooth_trees_match_central_differences()
    {
        var coverage = new Coverage();
        Run(Prop.ForAll(ExprGenerators.Cases(smooth: true), c =>
        {
            var f = c.Expr;
            var symbols = f.Symbols();
            if (symbols.Count == 0)
            {
                return; // a constant: nothing to differentiate
            }
            var variable = symbols[0];
            var df = f.Differentiate(variable);
            foreach (var point in c.Points)
            {
                coverage.Saw();
                var at = Probe.Run(f, point);
                if (!at.Finite || at.Singular || at.Scale > 1e6)
                {
                    continue;
                }
                var v = point.ValueOf(variable);
                var h = 1e-6 * Math.Max(1, Math.Abs(v));
                // The actual spacing of the representable abscissas is the divisor, so rounding v ± h costs nothing.
                var samples = new[] { v - (2 * h), v - h, v + h, v + (2 * h) }
                    .Select(vi => (At: vi, P: Probe.Run(f, point.With(variable, vi)))).ToArray();
                if (samples.Any(s => !s.P.Finite || s.P.Scale > 1e6))
                {
                    continue;
                }
                var centralH = (samples[2].P.Value - samples[1].P.Value) / (samples[2].At - samples[1].At);
                var central2H = (samples[3].P.Value - samples[0].P.Value) / (samples[3].At - samples[0].At);
                var derivative = Probe.Run(df, point);
                var tolerance = 1e-5 * Math.Max(1, Math.Abs(derivative.Value));
                var error = Math.Abs(centralH - central2H) + (4e-15 * samples.Max(s => s.P.Scale) / h);
                if (!(error <= 0.2 * tolerance))
                {
                    continue;
                }
                coverage.Compared();
                Assert.True(double.IsFinite(derivative.Value) && Math.Abs(derivative.Value - centralH) <= tolerance,
                    $"d/d{variable} {f} = {df} = {Text(derivative.Value)} but the central difference is {Text(centralH)} at {point}");
            }
        }), seed: 20255, cases: 1000);
        coverage.AssertAtLeast(0.5, "Central differences");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Compilation

    /// <summary>Compiled code computes the same bits as tree evaluation, for the tree compiled alone and for the tree
    /// compiled together with its derivatives (outputs that share sub-expressions, which are computed once).</summary>
    [Fact]
    public void Compiled_code_equals_tree_evaluation_bitwise()
    {
        Run(Prop.ForAll(ExprGenerators.Cases(smooth: false), c =>
        {
            Expr[] outputs = [c.Expr, c.Expr.Differentiate(X), c.Expr.Differentiate(Sym.Time)];
            var compiled = ExprCompiler.Compile(outputs, Layout);
            var single = ExprCompiler.Compile([c.Expr], Layout);
            var values = new double[outputs.Length];
            var alone = new double[1];
            foreach (var point in c.Points)
            {
                single(point.T, [point.X, point.Y], [], alone);
                var value = c.Expr.Evaluate(point.ValueOf);
                Assert.True(SameBits(value, alone[0]), $"{c.Expr} evaluates to {Text(value)} but compiles to {Text(alone[0])} at {point}");
                compiled(point.T, [point.X, point.Y], [], values);
                for (var i = 0; i < outputs.Length; i++)
                {
                    var expected = outputs[i].Evaluate(point.ValueOf);
                    Assert.True(SameBits(expected, values[i]),
                        $"{outputs[i]} evaluates to {Text(expected)} but compiles to {Text(values[i])} with {outputs.Length - 1} other outputs at {point}");
                }
            }
        }), seed: 20256);
    }
}
