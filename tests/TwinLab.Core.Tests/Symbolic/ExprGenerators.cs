using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Symbolic;

/// <summary>A point at which expressions over x, y and time are evaluated.</summary>
internal sealed record Point(double X, double Y, double T)
{
    public double ValueOf(Symbol symbol) => symbol.Name switch
    {
        "x" => X,
        "y" => Y,
        Sym.TimeName => T,
        _ => throw new KeyNotFoundException($"No value for '{symbol.Name}'."),
    };

    public Point With(Symbol symbol, double value) => symbol.Name switch
    {
        "x" => this with { X = value },
        "y" => this with { Y = value },
        Sym.TimeName => this with { T = value },
        _ => throw new KeyNotFoundException($"No value for '{symbol.Name}'."),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"(x={X:R}, y={Y:R}, t={T:R})");
}

/// <summary>One generated test case: an expression and the points to evaluate it at. The text form is what FsCheck
/// prints for a counterexample, so it shows the expression as parseable text.</summary>
internal sealed record ExprCase(Expr Expr, Point[] Points)
{
    public override string ToString() => $"{Expr} at [{string.Join(", ", Points.Select(p => p.ToString()))}]";
}

/// <summary>Two generated sub-expressions, for properties of binary derivative rules.</summary>
internal sealed record PairCase(Expr A, Expr B, double Scale, Point[] Points)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"a = {A}, b = {B}, c = {Scale:R} at [{string.Join(", ", Points.Select(p => p.ToString()))}]");
}

/// <summary>FsCheck generators of random expression trees over the symbols x, y and t.</summary>
internal static class ExprGenerators
{
    public static readonly Symbol X = new("x"), Y = new("y");

    public const int MaxDepth = 5;

    private static readonly UnaryOperator[] SmoothUnary =
        [UnaryOperator.Negate, UnaryOperator.Exp, UnaryOperator.Log, UnaryOperator.Sqrt, UnaryOperator.Sin, UnaryOperator.Cos, UnaryOperator.Tanh];

    private static readonly UnaryOperator[] AllUnary = [.. SmoothUnary, UnaryOperator.Abs];

    private static readonly BinaryOperator[] Arithmetic =
        [BinaryOperator.Add, BinaryOperator.Subtract, BinaryOperator.Multiply, BinaryOperator.Divide];

    private static readonly ComparisonOperator[] Comparisons = Enum.GetValues<ComparisonOperator>();

    /// <summary>Exponents that keep powers of moderate bases finite: small integers (expanded into
    /// multiplications), halves (square roots) and one exponent past the expansion limit (Math.Pow).</summary>
    private static readonly double[] TameExponents = [-3, -2, -1, 0, 1, 2, 3, 4, 0.5, 1.5, -0.5, 17];

    /// <summary>A uniformly distributed double in [min, max) with the full 53 bits of randomness, so printed
    /// constants exercise the shortest round-trip format.</summary>
    public static Gen<double> Uniform(double min, double max) =>
        Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, (1 << 22) - 1),
            (high, low) => min + ((max - min) * (((double)high * (1 << 22)) + low) / (1L << 53)));

    /// <summary>Constants: the special values the simplifier has rules for (negative zero among them, which
    /// simplification produces by folding −0 or 0 · −1), round numbers and arbitrary doubles.</summary>
    public static Gen<double> Constants { get; } = Gen.Frequency(
        (3, Gen.Elements(0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 3.0, 10.0, 0.1)),
        (4, Uniform(-5, 5)),
        (1, Gen.Choose(-50, 50).Select(i => i / 4.0)),
        (1, Gen.Elements(1e-3, 1e3, 1.5e-7, 2.5e8)));

    private static Gen<double> Coordinate(double range) => Gen.Frequency(
        (6, Uniform(-range, range)),
        (1, Gen.Elements(0.0, 1.0, -1.0, 2.0, 3.0, 0.5, -2.0)),
        (1, Uniform(-5 * range, 5 * range)));

    /// <summary>Evaluation points: mostly moderate coordinates, sometimes small integers (where integer powers, ties
    /// in comparisons and zero divisors live), sometimes larger values.</summary>
    public static Gen<Point> Points { get; } =
        Coordinate(3).Zip(Coordinate(3), (x, y) => (x, y))
            .Zip(Gen.Frequency((4, Uniform(0, 10)), (1, Gen.Choose(0, 5).Select(i => (double)i))), (xy, t) => new Point(xy.x, xy.y, t));

    private static Gen<Expr> Leaves { get; } = Gen.Frequency(
        (3, Gen.Elements<Expr>(X, Y, Sym.Time)),
        (2, Constants.Select(c => (Expr)new Constant(c))));

    private static readonly Gen<Expr>[] SmoothTrees = BuildTrees(smooth: true);
    private static readonly Gen<Expr>[] AllTrees = BuildTrees(smooth: false);

    /// <summary>Random trees of depth at most <paramref name="depth"/>.</summary>
    /// <param name="depth">The largest depth (0: a leaf).</param>
    /// <param name="smooth">Only operators that are differentiable wherever they are finite: no abs, min, max or
    /// conditionals.</param>
    public static Gen<Expr> Trees(int depth, bool smooth) => (smooth ? SmoothTrees : AllTrees)[depth];

    /// <summary>Trees of a random depth up to <see cref="MaxDepth"/>, shallow ones included.</summary>
    public static Gen<Expr> AnyTree(bool smooth) =>
        Gen.Frequency((1, Trees(1, smooth)), (2, Trees(3, smooth)), (4, Trees(MaxDepth, smooth)));

    // Trees are built bottom-up, one generator per depth, so each level refers to the previous one instead of
    // rebuilding it (which would take exponential time).
    private static Gen<Expr>[] BuildTrees(bool smooth)
    {
        var trees = new Gen<Expr>[MaxDepth + 1];
        trees[0] = Leaves;
        for (var depth = 1; depth <= MaxDepth; depth++)
        {
            var sub = trees[depth - 1];
            var unary = Gen.Elements(smooth ? SmoothUnary : AllUnary).Zip(sub, (op, a) => (Expr)new Unary(op, a));
            var arithmetic = Gen.Elements(Arithmetic).Zip(sub.Two(), (op, ab) => (Expr)new Binary(op, ab.Item1, ab.Item2));
            var power = Gen.Frequency(
                // any base, tame constant exponent
                (3, sub.Zip(Gen.Elements(TameExponents), (a, k) => Sym.Pow(a, k))),
                // positive constant base, any exponent
                (2, Gen.Elements(0.5, 2.0, Math.E, 3.0, 1.25).Zip(sub, (c, a) => Sym.Pow(c, a))),
                // any base, a leaf exponent (a symbol may take an integer value at the point)
                (1, sub.Zip(Leaves, Sym.Pow)));
            // Both operands the same tree: the shape of the simplifier's structural rules (a − a, a / a, a · a, min(a, a)).
            var twins = Gen.Elements(smooth ? Arithmetic : [.. Arithmetic, BinaryOperator.Min, BinaryOperator.Max]).Zip(sub, (op, a) => (Expr)new Binary(op, a, a));
            // A constant coefficient, as in most model equations (and in the simplifier's re-association rule).
            var scaled = Constants.Zip(sub, (c, a) => new Constant(c) * a);
            var cases = new List<(int, Gen<Expr>)> { (2, Leaves), (3, unary), (5, arithmetic), (1, scaled), (1, twins), (2, power) };
            if (!smooth)
            {
                var minMax = Gen.Elements(BinaryOperator.Min, BinaryOperator.Max).Zip(sub.Two(), (op, ab) => (Expr)new Binary(op, ab.Item1, ab.Item2));
                var conditional = Conditions(trees[depth - 1]).Zip(sub.Two(), (c, ab) => Sym.If(c, ab.Item1, ab.Item2));
                cases.Add((1, minMax));
                cases.Add((1, Conditions(trees[depth - 1]).Zip(sub, (c, a) => Sym.If(c, a, a))));
                cases.Add((1, conditional));
            }
            trees[depth] = Gen.Frequency(cases);
        }
        return trees;
    }

    /// <summary>Conditions: comparisons of sub-trees, combined by and, or and not up to two levels deep.</summary>
    private static Gen<Condition> Conditions(Gen<Expr> operands)
    {
        var comparison = Gen.Elements(Comparisons).Zip(operands.Two(), (op, ab) => (Condition)new Comparison(op, ab.Item1, ab.Item2));
        var level1 = Gen.Frequency(
            (4, comparison),
            (1, comparison.Two().Select(ab => ab.Item1 & ab.Item2)),
            (1, comparison.Two().Select(ab => ab.Item1 | ab.Item2)),
            (1, comparison.Select(c => !c)));
        return Gen.Frequency(
            (4, level1),
            (1, level1.Two().Select(ab => ab.Item1 & ab.Item2)),
            (1, level1.Two().Select(ab => ab.Item1 | ab.Item2)),
            (1, level1.Select(c => !c)));
    }

    /// <summary>Cases of one expression and a few points, shrinking towards sub-expressions and single points.</summary>
    public static Arbitrary<ExprCase> Cases(bool smooth, int points = 4) =>
        Arb.From(
            AnyTree(smooth).Zip(Points.ArrayOf(points), (e, p) => new ExprCase(e, p)),
            c => ShrinkExpr(c.Expr).Select(e => c with { Expr = e })
                .Concat(c.Points.Length > 1 ? c.Points.Select(p => c with { Points = [p] }) : []));

    /// <summary>Cases of two sub-expressions and a constant factor, for the derivative rules.</summary>
    public static Arbitrary<PairCase> Pairs(int points = 4) =>
        Arb.From(
            AnyTree(smooth: false).Two().Zip(Constants.Zip(Points.ArrayOf(points)), (ab, cp) => new PairCase(ab.Item1, ab.Item2, cp.Item1, cp.Item2)),
            c => ShrinkExpr(c.A).Select(a => c with { A = a })
                .Concat(ShrinkExpr(c.B).Select(b => c with { B = b }))
                .Concat(c.Points.Length > 1 ? c.Points.Select(p => c with { Points = [p] }) : []));

    /// <summary>The expression and all its distinct sub-expressions (the compared operands of conditions included),
    /// largest first.</summary>
    public static IReadOnlyList<Expr> SubExpressions(Expr e)
    {
        var seen = new HashSet<Expr>();
        var result = new List<Expr>();
        Expr.Visit(e, node =>
        {
            if (seen.Add(node))
            {
                result.Add(node);
            }
        });
        return result;
    }

    /// <summary>Smaller candidates for a failing expression: each direct sub-expression (for a conditional, both
    /// branches and the compared operands), then the node with one child shrunk.</summary>
    public static IEnumerable<Expr> ShrinkExpr(Expr e)
    {
        foreach (var child in e.Children)
        {
            yield return child;
        }
        switch (e)
        {
            case Unary u:
                foreach (var a in ShrinkExpr(u.Operand))
                {
                    yield return new Unary(u.Operator, a);
                }
                break;
            case Binary b:
                foreach (var l in ShrinkExpr(b.Left))
                {
                    yield return new Binary(b.Operator, l, b.Right);
                }
                foreach (var r in ShrinkExpr(b.Right))
                {
                    yield return new Binary(b.Operator, b.Left, r);
                }
                break;
            case Conditional c:
                foreach (var t in ShrinkExpr(c.WhenTrue))
                {
                    yield return new Conditional(c.Test, t, c.WhenFalse);
                }
                foreach (var f in ShrinkExpr(c.WhenFalse))
                {
                    yield return new Conditional(c.Test, c.WhenTrue, f);
                }
                break;
            default:
                break;
        }
    }
}

/// <summary>
/// Evaluates a tree exactly as <see cref="Expr.Evaluate(Func{Symbol, double})"/> does (same operators, same
/// short-circuiting, same branch selection) while recording how trustworthy the value is: whether every value
/// computed on the way is finite and normal (or zero), the largest magnitude met, and the closest call among the
/// comparisons that selected branches.
/// </summary>
internal sealed class Probe
{
    private readonly Func<Symbol, double> _valueOf;

    private Probe(Func<Symbol, double> valueOf) => _valueOf = valueOf;

    /// <summary>Whether every intermediate value was finite and not subnormal.</summary>
    public bool Finite { get; private set; } = true;

    /// <summary>The largest magnitude of any value computed, the result included.</summary>
    public double Scale { get; private set; }

    /// <summary>Whether some comparison had operands so close, relative to the magnitudes that went into them,
    /// that rounding differences of a few ulps could flip it.</summary>
    public bool NearTie { get; private set; }

    /// <summary>The value, bitwise equal to <see cref="Expr.Evaluate(Func{Symbol, double})"/>.</summary>
    public double Value { get; private set; }

    /// <summary>Whether some operator was evaluated where it is finite but has no finite derivative: a square root
    /// of 0, or a power with base 0 (whose derivative involves 0 to a negative power or log 0).</summary>
    public bool Singular { get; private set; }

    /// <summary>Finite, normal and free of near ties: evaluation never left the domain where the tree is defined
    /// and every branch choice is robust.</summary>
    public bool WellConditioned => Finite && !NearTie;

    /// <summary>Relative gap below which two compared values count as a near tie.</summary>
    public const double TieGap = 1e-8;

    public static Probe Run(Expr e, Point point) => Run(e, point.ValueOf);

    public static Probe Run(Expr e, Func<Symbol, double> valueOf)
    {
        var probe = new Probe(valueOf);
        probe.Value = probe.Eval(e);
        return probe;
    }

    private double Record(double v)
    {
        if (!double.IsFinite(v) || double.IsSubnormal(v))
        {
            Finite = false;
        }
        Scale = Math.Max(Scale, Math.Abs(v));
        return v;
    }

    private double Eval(Expr e) => Record(e switch
    {
        Constant c => c.Value,
        Symbol s => _valueOf(s),
        Unary u => Apply(u.Operator, Eval(u.Operand)),
        Binary b => Apply(b.Operator, Eval(b.Left), Eval(b.Right)),
        Conditional c => Test(c.Test) ? Eval(c.WhenTrue) : Eval(c.WhenFalse),
        _ => throw new NotSupportedException(e.GetType().Name),
    });

    private double Apply(UnaryOperator op, double a)
    {
        Singular |= op == UnaryOperator.Sqrt && a == 0;
        return Unary.Apply(op, a);
    }

    private double Apply(BinaryOperator op, double a, double b)
    {
        Singular |= op == BinaryOperator.Power && a == 0;
        return Binary.Apply(op, a, b);
    }

    private bool Test(Condition c)
    {
        switch (c)
        {
            case Comparison k:
                var outer = Scale;
                Scale = 0;
                var (a, b) = (Eval(k.Left), Eval(k.Right));
                if (Math.Abs(a - b) <= TieGap * Scale)
                {
                    NearTie = true;
                }
                Scale = Math.Max(outer, Scale);
                return Comparison.Apply(k.Operator, a, b);
            case Logical { Operator: LogicalOperator.And } l:
                return Test(l.Left) && Test(l.Right!);
            case Logical { Operator: LogicalOperator.Or } l:
                return Test(l.Left) || Test(l.Right!);
            case Logical l:
                return !Test(l.Left);
            default:
                throw new NotSupportedException(c.GetType().Name);
        }
    }
}
