using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Symbolic;

public class ExprTests
{
    private static readonly Symbol X = new("x"), Y = new("y"), K = new("K"), N = new("n");

    private static double Eval(Expr e, double x, double y = 0.7, double k = 2.5, double n = 3) =>
        e.Evaluate(new Dictionary<string, double> { ["x"] = x, ["y"] = y, ["K"] = k, ["n"] = n, ["t"] = 0.25 });

    [Fact]
    public void Equality_is_structural()
    {
        Assert.Equal(X * Sym.Log(K / X), new Symbol("x") * Sym.Log(new Symbol("K") / new Symbol("x")));
        Assert.NotEqual(X * Y, Y * X);
        Assert.Equal((X + 1).GetHashCode(), (new Symbol("x") + 1).GetHashCode());
    }

    [Fact]
    public void Equality_tells_the_signed_zeros_apart()
    {
        // 1 / (0 * x) and 1 / (-0 * x) are infinities of opposite sign, so the trees must not count as equal.
        Assert.NotEqual(new Constant(0) * X, new Constant(-0.0) * X);
        Assert.Equal(new Constant(-0.0), ExprParser.Parse("-0"));
        Assert.Equal(Sym.If(X > 1, 0, -0.0), Sym.If(X > 1, 0, -0.0).Simplify());
    }

    [Theory]
    [InlineData("1x")]
    [InlineData("x-y")]
    [InlineData("exp")]
    [InlineData("")]
    public void Invalid_symbol_names_are_rejected(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Symbol(name));
        Assert.Contains("letter followed by letters, digits or underscores", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_walks_the_tree()
    {
        var e = Sym.Exp(-X) * Sym.Sqrt(Y) + Sym.Pow(K, 2) - Sym.Abs(-3 * X) / Sym.Max(X, Y) + Sym.Min(X, 1);
        var expected = Math.Exp(-1.5) * Math.Sqrt(0.7) + 2.5 * 2.5 - 4.5 / 1.5 + 1;
        Assert.Equal(expected, Eval(e, 1.5), 14);
    }

    [Fact]
    public void Evaluate_reports_a_missing_symbol()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => (X + new Symbol("z")).Evaluate(new Dictionary<string, double> { ["x"] = 1 }));
        Assert.Contains("'z'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditionals_select_a_branch()
    {
        var e = Sym.If(X > 1 & !(Y >= 2) | Sym.Equal(X, -5), X, -X);
        Assert.Equal(2, Eval(e, 2));
        Assert.Equal(-0.5, Eval(e, 0.5));
        Assert.Equal(-5, Eval(e, -5));
        Assert.Equal(-2, Eval(e, 2, y: 3));
    }

    [Fact]
    public void Hill_and_Michaelis_Menten_have_their_defining_values()
    {
        Assert.Equal(0.5, Eval(Sym.Hill(X, K, N), 2.5), 15);
        Assert.Equal(0, Eval(Sym.Hill(X, K, N), 0), 15);
        Assert.Equal(0.7 / 2, Eval(Sym.MichaelisMenten(X, Y, K), 2.5), 15);
    }

    [Theory]
    [InlineData("x + 0", "x")]
    [InlineData("0 + x", "x")]
    [InlineData("x * 1", "x")]
    [InlineData("1 * x", "x")]
    [InlineData("0 * x", "0")]
    [InlineData("x - x", "0")]
    [InlineData("x / 1", "x")]
    [InlineData("x / x", "1")]
    [InlineData("x^1", "x")]
    [InlineData("x^0", "1")]
    [InlineData("1^x", "1")]
    [InlineData("-(-x)", "x")]
    [InlineData("2 * 3 + x", "6 + x")]
    [InlineData("x * 2", "2 * x")]
    [InlineData("2 * (3 * x)", "6 * x")]
    [InlineData("x + -y", "x - y")]
    [InlineData("x - -y", "x + y")]
    [InlineData("(-x) * (-y)", "x * y")]
    [InlineData("x * x", "x^2")]
    [InlineData("(x^2)^3", "x^6")]
    [InlineData("exp(0) * x", "x")]
    [InlineData("log(1) + x", "x")]
    [InlineData("if(1 < 2, x, y)", "x")]
    [InlineData("if(x < 2, y, y)", "y")]
    [InlineData("min(x, x)", "x")]
    [InlineData("-(x - y)", "y - x")]
    public void Simplify_applies_local_rules(string input, string expected) =>
        Assert.Equal(ExprParser.Parse(expected), ExprParser.Parse(input).Simplify());

    [Fact]
    public void Simplify_finishes_the_nodes_its_rules_build()
    {
        // Rules that build a new node simplify it too, so one pass is enough and a second changes nothing.
        foreach (var (input, expected) in new[]
        {
            ("-(-x - y)", "y + x"),
            ("-x - -2", "2 - x"),
            ("x^2 * x^2", "x^4"),
            ("sin(x)^-1 * sin(x)^-1", "sin(x)^-2"),
        })
        {
            var once = ExprParser.Parse(input).Simplify();
            Assert.Equal(ExprParser.Parse(expected), once);
            Assert.Equal(once, once.Simplify());
        }
    }

    [Fact]
    public void Simplify_does_not_fold_non_finite_constants()
    {
        var e = Sym.Log(new Constant(-1)) + X;
        Assert.Equal(e, e.Simplify());
    }

    [Theory]
    [InlineData("r * V * log(K / V)")]
    [InlineData("a - (b - c)")]
    [InlineData("a - b - c")]
    [InlineData("a / (b * c)")]
    [InlineData("-x^2")]
    [InlineData("(-2)^x")]
    [InlineData("x^-2")]
    [InlineData("2^3^x")]
    [InlineData("(2^3)^x")]
    [InlineData("-(x * y)")]
    [InlineData("x * -2")]
    [InlineData("-(2)")]
    [InlineData("-(-x)")]
    [InlineData("if(x < 1 && (y >= 2 || !(x == y)), exp(x), max(x, y))")]
    [InlineData("1.5E-07 * x + 3.25")]
    [InlineData("sqrt(abs(sin(x) + cos(y))) * tanh(x)")]
    public void Printed_text_reads_back_to_the_same_tree(string text)
    {
        var e = ExprParser.Parse(text);
        Assert.Equal(text, e.ToString());
        Assert.Equal(e, ExprParser.Parse(e.ToString()));
    }

    [Fact]
    public void Text_uses_minimal_parentheses()
    {
        Assert.Equal("r * V * log(K / V)", (new Symbol("r") * new Symbol("V") * Sym.Log(new Symbol("K") / new Symbol("V"))).ToString());
        Assert.Equal("(x + y) * K", ((X + Y) * K).ToString());
        Assert.Equal("x^y^K", Sym.Pow(X, Sym.Pow(Y, K)).ToString());
        Assert.Equal("(x^y)^K", Sym.Pow(Sym.Pow(X, Y), K).ToString());
    }

    [Theory]
    [InlineData("r * V * log(K / V)", @"r \, V \, \ln\left(\frac{K}{V}\right)")]
    [InlineData("k_el * C", @"k_{\mathrm{el}} \, C")]
    [InlineData("alpha * x^2", @"\alpha \, {x}^{2}")]
    [InlineData("exp(-k * t)", @"e^{-k \, t}")]
    [InlineData("(a + b) * 2", @"\left(a + b\right) \cdot 2")]
    [InlineData("sqrt(x) + abs(y)", @"\sqrt{x} + \left|y\right|")]
    [InlineData("Vmax * S / (Km + S)", @"\frac{\mathrm{Vmax} \, S}{\mathrm{Km} + S}")]
    [InlineData("1E-05 * x", @"1 \times 10^{-5} \, x")]
    [InlineData("if(x <= 1, 0, x)", @"\begin{cases} 0 & \text{if } x \le 1 \\ x & \text{otherwise} \end{cases}")]
    public void Latex_is_readable(string text, string latex) =>
        Assert.Equal(latex, ExprParser.Parse(text).ToLatex());

    [Theory]
    [InlineData("x +", "ended")]
    [InlineData("x * (y + 1", "close the parenthesis")]
    [InlineData("foo(x)", "not a known function")]
    [InlineData("exp(x, y)", "one argument")]
    [InlineData("max(x)", "two arguments")]
    [InlineData("x y", "missing operator")]
    [InlineData("if(x, 1, 2)", "comparison")]
    [InlineData("x # 2", "Unexpected '#'")]
    public void Parse_errors_name_the_problem_and_column(string text, string fragment)
    {
        var ex = Assert.Throws<ExprParseException>(() => ExprParser.Parse(text));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.InRange(ex.Column, 1, text.Length + 1);
    }

    [Fact]
    public void Substitute_replaces_symbols_everywhere()
    {
        var e = (X * Sym.If(X > Y, X, Y)).Substitute(new Dictionary<Symbol, Expr> { [X] = Y + 1 });
        Assert.Equal(ExprParser.Parse("(y + 1) * if(y + 1 > y, y + 1, y)"), e);
        Assert.False(e.DependsOn(X));
        Assert.Equal(["y"], e.Symbols().Select(s => s.Name));
    }
}
