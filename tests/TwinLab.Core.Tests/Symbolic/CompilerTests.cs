using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Symbolic;

public class CompilerTests
{
    private static readonly SymbolLayout Layout = new(["x", "y"], ["a", "b"]);

    [Theory]
    [InlineData("a * x - b * x * y")]
    [InlineData("exp(-a * t) * sqrt(x) + log(y)")]
    [InlineData("x^2 + x^3 + x^7 + x^16 + x^-3 + x^17 + x^0.5 + x^2.5")]
    [InlineData("min(x, y) - max(a, b) + abs(x - y) + sin(x) * cos(y) + tanh(a)")]
    [InlineData("if(x > y && !(a <= b) || x == 1, x, if(x != y, y, a))")]
    [InlineData("if(x < y, 1, 2) + if(x >= y, 3, 4)")]
    [InlineData("(x + y) * (x + y) + exp(x + y) / (x + y)")]
    public void Compiled_values_equal_tree_evaluation_bitwise(string text)
    {
        var e = ExprParser.Parse(text);
        var f = ExprCompiler.Compile([e, e.Differentiate(new Symbol("x"))], Layout);
        var random = new Random(7);
        Span<double> output = stackalloc double[2];
        for (var i = 0; i < 200; i++)
        {
            double[] states = [random.NextDouble() * 3, random.NextDouble() * 3];
            double[] parameters = [random.NextDouble(), i % 3 == 0 ? states[0] : random.NextDouble()];
            if (i == 5)
            {
                states[0] = 1;
            }
            var t = random.NextDouble();
            f(t, states, parameters, output);
            var values = new Dictionary<string, double> { ["x"] = states[0], ["y"] = states[1], ["a"] = parameters[0], ["b"] = parameters[1], ["t"] = t };
            Assert.Equal(e.Evaluate(values), output[0]);
            Assert.Equal(e.Differentiate(new Symbol("x")).Evaluate(values), output[1]);
        }
    }

    [Fact]
    public void Comparisons_with_NaN_are_false_in_compiled_code_too()
    {
        var e = ExprParser.Parse("if(x < y, 1, 0) + if(x >= y, 10, 0) + if(x != y, 100, 0) + if(!(x == y), 1000, 0)");
        var f = ExprCompiler.Compile([e], Layout);
        var output = new double[1];
        f(0, [double.NaN, 1], [0, 0], output);
        Assert.Equal(1100, output[0]);
        Assert.Equal(1100, e.Evaluate(new Dictionary<string, double> { ["x"] = double.NaN, ["y"] = 1 }));
    }

    [Fact]
    public void A_run_time_integer_exponent_gives_the_same_bits_as_tree_evaluation()
    {
        // The exponent is a symbol, so the compiler cannot expand the power; at run time it is an integer, which
        // the tree evaluator raises by repeated multiplication (0.1^4 is 0.00010000000000000005 that way, and
        // 0.00010000000000000002 by Math.Pow).
        var e = ExprParser.Parse("a^t + x^y");
        var f = ExprCompiler.Compile([e], Layout);
        var output = new double[1];
        foreach (var (t, y) in new[] { (4.0, 3.0), (-3.0, 7.0), (16.0, -5.0), (17.0, 2.0), (2.5, 0.5) })
        {
            f(t, [1.1, y], [0.1, 0], output);
            var expected = e.Evaluate(new Dictionary<string, double> { ["x"] = 1.1, ["y"] = y, ["a"] = 0.1, ["t"] = t });
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(output[0]));
        }
    }

    [Fact]
    public void Signed_zeros_survive_compilation()
    {
        // min(0, -0) is -0; the JIT would make it +0 if it saw the constant -0 as an operand of Math.Min.
        var minimum = ExprParser.Parse("1 / min(x, -0) + 1 / min(-(0), x)");
        // 0 * x and -0 * x have opposite signs, so they must not be taken for one shared sub-expression.
        var products = ExprParser.Parse("tanh(1 / (0 * x)) + 2 * tanh(1 / (-0 * x))");
        var f = ExprCompiler.Compile([minimum, products], Layout);
        var output = new double[2];
        f(0, [0, 0], [0, 0], output);
        Assert.Equal(double.NegativeInfinity, output[0]);
        Assert.Equal(double.NegativeInfinity, minimum.Evaluate(new Dictionary<string, double> { ["x"] = 0 }));
        f(0, [1, 0], [0, 0], output);
        Assert.Equal(1 - 2, output[1]);
        Assert.Equal(1 - 2, products.Evaluate(new Dictionary<string, double> { ["x"] = 1 }));
    }

    [Fact]
    public void Unknown_symbols_are_reported_with_the_layout()
    {
        var ex = Assert.Throws<ArgumentException>(() => ExprCompiler.Compile([ExprParser.Parse("x * z")], Layout));
        Assert.Contains("'z'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("x, y", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_rejects_duplicates_and_time()
    {
        Assert.Throws<ArgumentException>(() => new SymbolLayout(["x", "x"], []));
        Assert.Throws<ArgumentException>(() => new SymbolLayout(["x"], ["t"]));
    }
}

public class CompilerBoundsTests
{
    [Fact]
    public void Short_vectors_are_rejected_not_read_past()
    {
        var f = ExprCompiler.Compile([ExprParser.Parse("x * a"), ExprParser.Parse("y")], new SymbolLayout(["x", "y"], ["a"]));
        var ok = new double[2];
        f(0, [2, 3], [4], ok);
        Assert.Equal([8.0, 3], ok);
        Assert.Contains("state vector has 1 elements; the compiled function needs at least 2",
            Assert.Throws<ArgumentException>(() => f(0, [1], [1], new double[2])).Message, StringComparison.Ordinal);
        Assert.Contains("parameter vector has 0 elements",
            Assert.Throws<ArgumentException>(() => f(0, [1, 2], [], new double[2])).Message, StringComparison.Ordinal);
        Assert.Contains("output vector has 1 elements",
            Assert.Throws<ArgumentException>(() => f(0, [1, 2], [1], new double[1])).Message, StringComparison.Ordinal);
    }
}
