using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Symbolic;

public class DerivativeTests
{
    private static readonly Symbol X = new("x"), Y = new("y");

    [Theory]
    [InlineData("x^3", "3 * x^2")]
    [InlineData("exp(2 * x)", "2 * exp(2 * x)")]
    [InlineData("log(x)", "1 / x")]
    [InlineData("y * x + y", "y")]
    [InlineData("sin(x)", "cos(x)")]
    [InlineData("x / y", "1 / y")]
    [InlineData("y", "0")]
    public void Derivatives_have_the_textbook_form(string f, string df) =>
        Assert.Equal(ExprParser.Parse(df), ExprParser.Parse(f).Differentiate(X));

    public static TheoryData<string> Functions =>
    [
        "x^3 - 2 * x * y + y^2",
        "exp(-x * y) / (1 + x^2)",
        "log(1 + x^2) * sqrt(y + x^2)",
        "x^y",
        "y^x",
        "pow(x, 2.5) + abs(x - y)",
        "sin(x) * cos(y * x) + tanh(x / y)",
        "min(x, y) * max(x^2, y)",
        "if(x > y, x^2, y * x)",
        "x^4 / (y^4 + x^4)",
        "-x / (y - x)^2",
    ];

    /// <summary>Central differences with h = 1e-6 have truncation error O(h²·f''') and rounding error O(ε/h);
    /// for these smooth functions of order-one inputs both are below 1e-8, so 1e-6 relative to the derivative's
    /// scale separates a correct rule from a wrong one by many orders of magnitude.</summary>
    [Theory]
    [MemberData(nameof(Functions))]
    public void Derivatives_match_central_differences_at_random_points(string text)
    {
        var f = ExprParser.Parse(text);
        var random = new Random(12345);
        foreach (var variable in new[] { X, Y })
        {
            var df = f.Differentiate(variable);
            for (var trial = 0; trial < 25; trial++)
            {
                var x = 0.3 + 2 * random.NextDouble();
                var y = 0.3 + 2 * random.NextDouble();
                if (Math.Abs(x - y) < 1e-3)
                {
                    continue; // stay away from the kinks of abs, min, max and if
                }
                double F(double dx, double dy) => f.Evaluate(new Dictionary<string, double> { ["x"] = x + dx, ["y"] = y + dy });
                const double h = 1e-6;
                var numeric = variable == X ? (F(h, 0) - F(-h, 0)) / (2 * h) : (F(0, h) - F(0, -h)) / (2 * h);
                var symbolic = df.Evaluate(new Dictionary<string, double> { ["x"] = x, ["y"] = y });
                Assert.True(Math.Abs(numeric - symbolic) <= 1e-6 * Math.Max(1, Math.Abs(symbolic)),
                    $"d/d{variable} {text} at x={x}, y={y}: symbolic {symbolic} ({df}), numeric {numeric}");
            }
        }
    }

    [Fact]
    public void Time_is_an_ordinary_symbol_for_differentiation() =>
        Assert.Equal(ExprParser.Parse("cos(t)"), Sym.Sin(Sym.Time).Differentiate(Sym.Time));
}
