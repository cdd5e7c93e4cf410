namespace TwinLab.Core.Symbolic;

/// <summary>Functions, constants and helpers for writing model equations.</summary>
public static class Sym
{
    /// <summary>The name reserved for time in every model.</summary>
    public const string TimeName = "t";

    /// <summary>Time, the independent variable of every model.</summary>
    public static Symbol Time { get; } = new(TimeName);

    /// <summary>A numeric constant.</summary>
    /// <param name="value">The value.</param>
    public static Expr Constant(double value) => new Constant(value);

    /// <summary>eˣ.</summary>
    /// <param name="x">The exponent.</param>
    public static Expr Exp(Expr x) => new Unary(UnaryOperator.Exp, x);

    /// <summary>The natural logarithm.</summary>
    /// <param name="x">The argument (positive where the model is evaluated).</param>
    public static Expr Log(Expr x) => new Unary(UnaryOperator.Log, x);

    /// <summary>The square root.</summary>
    /// <param name="x">The argument.</param>
    public static Expr Sqrt(Expr x) => new Unary(UnaryOperator.Sqrt, x);

    /// <summary>The absolute value.</summary>
    /// <param name="x">The argument.</param>
    public static Expr Abs(Expr x) => new Unary(UnaryOperator.Abs, x);

    /// <summary>The sine (radians).</summary>
    /// <param name="x">The argument.</param>
    public static Expr Sin(Expr x) => new Unary(UnaryOperator.Sin, x);

    /// <summary>The cosine (radians).</summary>
    /// <param name="x">The argument.</param>
    public static Expr Cos(Expr x) => new Unary(UnaryOperator.Cos, x);

    /// <summary>The hyperbolic tangent.</summary>
    /// <param name="x">The argument.</param>
    public static Expr Tanh(Expr x) => new Unary(UnaryOperator.Tanh, x);

    /// <summary><paramref name="x"/> raised to the power <paramref name="exponent"/>.</summary>
    /// <param name="x">The base.</param>
    /// <param name="exponent">The exponent.</param>
    public static Expr Pow(Expr x, Expr exponent) => new Binary(BinaryOperator.Power, x, exponent);

    /// <summary>The smaller of two expressions.</summary>
    /// <param name="a">The first.</param>
    /// <param name="b">The second.</param>
    public static Expr Min(Expr a, Expr b) => new Binary(BinaryOperator.Min, a, b);

    /// <summary>The larger of two expressions.</summary>
    /// <param name="a">The first.</param>
    /// <param name="b">The second.</param>
    public static Expr Max(Expr a, Expr b) => new Binary(BinaryOperator.Max, a, b);

    /// <summary>A piecewise value: <paramref name="whenTrue"/> where <paramref name="test"/> holds, else
    /// <paramref name="whenFalse"/>. Build the test with <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>,
    /// <see cref="Equal"/>, <see cref="NotEqual"/> and combine tests with <c>&amp;</c>, <c>|</c>, <c>!</c>.</summary>
    /// <param name="test">The condition.</param>
    /// <param name="whenTrue">The value where it holds.</param>
    /// <param name="whenFalse">The value elsewhere.</param>
    public static Expr If(Condition test, Expr whenTrue, Expr whenFalse) => new Conditional(test, whenTrue, whenFalse);

    /// <summary>The condition <c>a = b</c>.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    public static Condition Equal(Expr a, Expr b) => new Comparison(ComparisonOperator.Equal, a, b);

    /// <summary>The condition <c>a ≠ b</c>.</summary>
    /// <param name="a">The left side.</param>
    /// <param name="b">The right side.</param>
    public static Condition NotEqual(Expr a, Expr b) => new Comparison(ComparisonOperator.NotEqual, a, b);

    /// <summary>The Hill function <c>xⁿ / (Kⁿ + xⁿ)</c>: 0 at x = 0, ½ at x = K, rising to 1 (use
    /// <c>Emax * Hill(...)</c> for an Emax model).</summary>
    /// <param name="x">The concentration or signal.</param>
    /// <param name="halfEffect">K, the value of x giving half the maximal effect (EC50).</param>
    /// <param name="coefficient">n, the Hill coefficient (steepness).</param>
    public static Expr Hill(Expr x, Expr halfEffect, Expr coefficient) =>
        Pow(x, coefficient) / (Pow(halfEffect, coefficient) + Pow(x, coefficient));

    /// <summary>Michaelis–Menten kinetics <c>Vmax · x / (Km + x)</c>.</summary>
    /// <param name="x">The substrate concentration.</param>
    /// <param name="maximumRate">Vmax, the saturated rate.</param>
    /// <param name="halfSaturation">Km, the concentration at half the maximal rate.</param>
    public static Expr MichaelisMenten(Expr x, Expr maximumRate, Expr halfSaturation) =>
        maximumRate * x / (halfSaturation + x);
}
