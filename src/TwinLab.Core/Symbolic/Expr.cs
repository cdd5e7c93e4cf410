using System.Globalization;

namespace TwinLab.Core.Symbolic;

/// <summary>
/// An immutable symbolic expression: the building block of every TwinLab model. Expressions are built with the
/// ordinary C# operators and the functions of <see cref="Sym"/>, compared structurally, differentiated symbolically,
/// evaluated, printed as text or LaTeX and compiled to fast delegates by <see cref="ExprCompiler"/>.
/// </summary>
/// <remarks>
/// Operators build nodes as written; call <see cref="Simplify"/> for constant folding and neutral-element removal.
/// Equality is structural: two expressions are equal when their trees are identical.
/// </remarks>
public abstract class Expr : IEquatable<Expr>
{
    private readonly int _hash;

    private protected Expr(int hash, int size)
    {
        _hash = hash;
        Size = size;
    }

    /// <summary>The number of nodes in the tree (a measure of its cost and complexity).</summary>
    public int Size { get; }

    /// <summary>The direct sub-expressions of this node, in order.</summary>
    public abstract IReadOnlyList<Expr> Children { get; }

    /// <summary>Converts a number to a constant expression.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Expr(double value) => new Constant(value);

    /// <summary>Builds <c>left + right</c>.</summary>
    public static Expr operator +(Expr left, Expr right) => new Binary(BinaryOperator.Add, left, right);

    /// <summary>Builds <c>left − right</c>.</summary>
    public static Expr operator -(Expr left, Expr right) => new Binary(BinaryOperator.Subtract, left, right);

    /// <summary>Builds <c>left × right</c>.</summary>
    public static Expr operator *(Expr left, Expr right) => new Binary(BinaryOperator.Multiply, left, right);

    /// <summary>Builds <c>left ÷ right</c>.</summary>
    public static Expr operator /(Expr left, Expr right) => new Binary(BinaryOperator.Divide, left, right);

    /// <summary>Builds <c>−operand</c>.</summary>
    public static Expr operator -(Expr operand) => new Unary(UnaryOperator.Negate, operand);

    /// <summary>Returns the operand unchanged.</summary>
    public static Expr operator +(Expr operand) => operand;

    /// <summary>Builds the condition <c>left &lt; right</c> for <see cref="Sym.If"/>.</summary>
    public static Condition operator <(Expr left, Expr right) => new Comparison(ComparisonOperator.Less, left, right);

    /// <summary>Builds the condition <c>left &gt; right</c> for <see cref="Sym.If"/>.</summary>
    public static Condition operator >(Expr left, Expr right) => new Comparison(ComparisonOperator.Greater, left, right);

    /// <summary>Builds the condition <c>left ≤ right</c> for <see cref="Sym.If"/>.</summary>
    public static Condition operator <=(Expr left, Expr right) => new Comparison(ComparisonOperator.LessOrEqual, left, right);

    /// <summary>Builds the condition <c>left ≥ right</c> for <see cref="Sym.If"/>.</summary>
    public static Condition operator >=(Expr left, Expr right) => new Comparison(ComparisonOperator.GreaterOrEqual, left, right);

    /// <summary>Structural equality.</summary>
    public static bool operator ==(Expr? left, Expr? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Expr? left, Expr? right) => !(left == right);

    /// <summary>Adds two expressions (the named alternative to <c>+</c>).</summary>
    public static Expr Add(Expr left, Expr right) => left + right;

    /// <summary>Subtracts two expressions (the named alternative to <c>-</c>).</summary>
    public static Expr Subtract(Expr left, Expr right) => left - right;

    /// <summary>Multiplies two expressions (the named alternative to <c>*</c>).</summary>
    public static Expr Multiply(Expr left, Expr right) => left * right;

    /// <summary>Divides two expressions (the named alternative to <c>/</c>).</summary>
    public static Expr Divide(Expr left, Expr right) => left / right;

    /// <summary>Negates an expression (the named alternative to unary <c>-</c>).</summary>
    public static Expr Negate(Expr operand) => -operand;

    /// <summary>Returns the operand (the named alternative to unary <c>+</c>).</summary>
    public static Expr Plus(Expr operand) => operand;

    /// <summary>Builds a constant from a number (the named alternative to the implicit conversion).</summary>
    public static Expr FromDouble(double value) => new Constant(value);

    /// <inheritdoc />
    public bool Equals(Expr? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && Size == other.Size && EqualsNode(other)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Expr e && Equals(e);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Compares this node with another of identical hash and size.</summary>
    private protected abstract bool EqualsNode(Expr other);

    /// <summary>Rebuilds this node with new children (same operator).</summary>
    internal abstract Expr WithChildren(IReadOnlyList<Expr> children);

    /// <summary>The distinct symbols that occur in the expression, in order of first appearance.</summary>
    public IReadOnlyList<Symbol> Symbols()
    {
        var seen = new HashSet<Symbol>();
        var result = new List<Symbol>();
        Visit(this, e =>
        {
            if (e is Symbol s && seen.Add(s))
            {
                result.Add(s);
            }
        });
        return result;
    }

    /// <summary>Whether the expression contains the given symbol.</summary>
    /// <param name="symbol">The symbol to look for.</param>
    public bool DependsOn(Symbol symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        var found = false;
        Visit(this, e => found |= e.Equals(symbol));
        return found;
    }

    /// <summary>Replaces symbols by expressions, everywhere in the tree, in one pass.</summary>
    /// <param name="replacements">Which symbol becomes which expression.</param>
    /// <returns>The expression with the replacements made (not simplified).</returns>
    public Expr Substitute(IReadOnlyDictionary<Symbol, Expr> replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        return Rewrite(e => e is Symbol s && replacements.TryGetValue(s, out var r) ? r : null);
    }

    /// <summary>Applies a bottom-up rewrite: each node is first rebuilt from its rewritten children, then offered to
    /// <paramref name="rule"/>, whose non-null result replaces it.</summary>
    internal Expr Rewrite(Func<Expr, Expr?> rule)
    {
        var direct = rule(this);
        if (direct is not null && this is Symbol)
        {
            return direct;
        }
        var children = Children;
        Expr node = this;
        if (children.Count > 0)
        {
            var rewritten = new Expr[children.Count];
            var changed = false;
            for (var i = 0; i < children.Count; i++)
            {
                rewritten[i] = children[i].Rewrite(rule);
                changed |= !ReferenceEquals(rewritten[i], children[i]);
            }
            node = changed ? WithChildren(rewritten) : this;
        }
        return rule(node) ?? node;
    }

    /// <summary>Visits every node of a tree, parents before children.</summary>
    internal static void Visit(Expr root, Action<Expr> action)
    {
        var stack = new Stack<Expr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            action(e);
            var children = e.Children;
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    /// <summary>Simplifies the expression structurally: constant folding, neutral and absorbing elements, double
    /// negation, constant conditions. The result has the same value wherever the original is defined.</summary>
    public Expr Simplify() => Simplifier.Simplify(this);

    /// <summary>The symbolic derivative with respect to a symbol, simplified.</summary>
    /// <param name="variable">The symbol to differentiate by (a state, a parameter or time).</param>
    public Expr Differentiate(Symbol variable) => Differentiator.Differentiate(this, variable);

    /// <summary>Evaluates the expression by walking the tree (for checks and one-off values; compile with
    /// <see cref="ExprCompiler"/> for repeated evaluation).</summary>
    /// <param name="values">The value of every symbol in the expression, by name.</param>
    /// <exception cref="KeyNotFoundException">A symbol has no value.</exception>
    public double Evaluate(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Evaluate(s => values.TryGetValue(s.Name, out var v)
            ? v
            : throw new KeyNotFoundException($"The expression '{this}' needs a value for symbol '{s.Name}'; add it to the values."));
    }

    /// <summary>Evaluates the expression, asking <paramref name="valueOf"/> for each symbol's value.</summary>
    /// <param name="valueOf">Returns the value of a symbol.</param>
    public abstract double Evaluate(Func<Symbol, double> valueOf);

    /// <summary>The expression as readable infix text, which <see cref="ExprParser"/> reads back to an equal tree.</summary>
    public override string ToString() => TextPrinter.Print(this);

    /// <summary>The expression as LaTeX math (without surrounding dollar signs).</summary>
    public string ToLatex() => LatexPrinter.Print(this);

    internal static int Combine(int kind, int a, int b = 0, int c = 0) => HashCode.Combine(kind, a, b, c);

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A numeric constant.</summary>
public sealed class Constant : Expr
{
    /// <summary>Creates a constant.</summary>
    /// <param name="value">The value.</param>
    public Constant(double value) : base(Combine(1, value.GetHashCode()), 1) => Value = value;

    /// <summary>The constant's value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Children => [];

    /// <inheritdoc />
    public override double Evaluate(Func<Symbol, double> valueOf) => Value;

    // Same bits, so that equal trees evaluate to identical results: 0 and −0 differ (1/0 is +∞, 1/−0 is −∞).
    private protected override bool EqualsNode(Expr other) =>
        other is Constant c && BitConverter.DoubleToInt64Bits(c.Value) == BitConverter.DoubleToInt64Bits(Value);

    internal override Expr WithChildren(IReadOnlyList<Expr> children) => this;
}

/// <summary>A named symbol: a state, a parameter, an observable or time (<see cref="Sym.Time"/>).</summary>
public sealed class Symbol : Expr
{
    /// <summary>Creates a symbol. Models create their symbols through <c>ModelBuilder</c>.</summary>
    /// <param name="name">An identifier: a letter followed by letters, digits or underscores.</param>
    /// <exception cref="ArgumentException">The name is not a valid identifier.</exception>
    public Symbol(string name) : base(Combine(2, StringComparer.Ordinal.GetHashCode(ValidateName(name))), 1) => Name = name;

    /// <summary>The symbol's name.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Children => [];

    /// <inheritdoc />
    public override double Evaluate(Func<Symbol, double> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        return valueOf(this);
    }

    private protected override bool EqualsNode(Expr other) => other is Symbol s && s.Name == Name;

    internal override Expr WithChildren(IReadOnlyList<Expr> children) => this;

    /// <summary>Whether a name is a valid symbol identifier.</summary>
    /// <param name="name">The candidate name.</param>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return !ExprParser.IsReservedWord(name);
    }

    private static string ValidateName(string name) =>
        IsValidName(name)
            ? name
            : throw new ArgumentException(
                $"'{name}' is not a valid symbol name: use a letter followed by letters, digits or underscores, "
                + "and not a function name (exp, log, ln, sqrt, abs, sin, cos, tanh, pow, min, max, if).", nameof(name));
}

/// <summary>The operators of <see cref="Unary"/> nodes.</summary>
public enum UnaryOperator
{
    /// <summary>−x.</summary>
    Negate,
    /// <summary>eˣ.</summary>
    Exp,
    /// <summary>Natural logarithm.</summary>
    Log,
    /// <summary>Square root.</summary>
    Sqrt,
    /// <summary>Absolute value.</summary>
    Abs,
    /// <summary>Sine (radians).</summary>
    Sin,
    /// <summary>Cosine (radians).</summary>
    Cos,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
}

/// <summary>A one-argument operator or function application.</summary>
public sealed class Unary : Expr
{
    /// <summary>Creates a unary node.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="operand">The argument.</param>
    public Unary(UnaryOperator op, Expr operand)
        : base(Combine(3, (int)op, NotNull(operand).GetHashCode()), operand.Size + 1)
    {
        Operator = op;
        Operand = operand;
    }

    /// <summary>The operator.</summary>
    public UnaryOperator Operator { get; }

    /// <summary>The argument.</summary>
    public Expr Operand { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Children => [Operand];

    /// <inheritdoc />
    public override double Evaluate(Func<Symbol, double> valueOf) => Apply(Operator, Operand.Evaluate(valueOf));

    /// <summary>Applies a unary operator to a number.</summary>
    internal static double Apply(UnaryOperator op, double x) => op switch
    {
        UnaryOperator.Negate => -x,
        UnaryOperator.Exp => Math.Exp(x),
        UnaryOperator.Log => Math.Log(x),
        UnaryOperator.Sqrt => Math.Sqrt(x),
        UnaryOperator.Abs => Math.Abs(x),
        UnaryOperator.Sin => Math.Sin(x),
        UnaryOperator.Cos => Math.Cos(x),
        UnaryOperator.Tanh => Math.Tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private protected override bool EqualsNode(Expr other) =>
        other is Unary u && u.Operator == Operator && u.Operand.Equals(Operand);

    internal override Expr WithChildren(IReadOnlyList<Expr> children) => new Unary(Operator, children[0]);

    internal static Expr NotNull(Expr e) => e ?? throw new ArgumentNullException(nameof(e), "An expression operand is null.");
}

/// <summary>The operators of <see cref="Binary"/> nodes.</summary>
public enum BinaryOperator
{
    /// <summary>a + b.</summary>
    Add,
    /// <summary>a − b.</summary>
    Subtract,
    /// <summary>a × b.</summary>
    Multiply,
    /// <summary>a ÷ b.</summary>
    Divide,
    /// <summary>a raised to the power b.</summary>
    Power,
    /// <summary>The smaller of a and b.</summary>
    Min,
    /// <summary>The larger of a and b.</summary>
    Max,
}

/// <summary>A two-argument operator or function application.</summary>
public sealed class Binary : Expr
{
    /// <summary>Creates a binary node.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="left">The left argument.</param>
    /// <param name="right">The right argument.</param>
    public Binary(BinaryOperator op, Expr left, Expr right)
        : base(Combine(4, (int)op, Unary.NotNull(left).GetHashCode(), Unary.NotNull(right).GetHashCode()), left.Size + right.Size + 1)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>The operator.</summary>
    public BinaryOperator Operator { get; }

    /// <summary>The left argument.</summary>
    public Expr Left { get; }

    /// <summary>The right argument.</summary>
    public Expr Right { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Children => [Left, Right];

    /// <inheritdoc />
    public override double Evaluate(Func<Symbol, double> valueOf) =>
        Apply(Operator, Left.Evaluate(valueOf), Right.Evaluate(valueOf));

    /// <summary>Applies a binary operator to two numbers.</summary>
    internal static double Apply(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Power => ExprCompiler.Power(a, b),
        BinaryOperator.Min => Math.Min(a, b),
        BinaryOperator.Max => Math.Max(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private protected override bool EqualsNode(Expr other) =>
        other is Binary b && b.Operator == Operator && b.Left.Equals(Left) && b.Right.Equals(Right);

    internal override Expr WithChildren(IReadOnlyList<Expr> children) => new Binary(Operator, children[0], children[1]);
}

/// <summary>A piecewise expression: <see cref="WhenTrue"/> where <see cref="Test"/> holds, else <see cref="WhenFalse"/>.</summary>
public sealed class Conditional : Expr
{
    /// <summary>Creates a conditional node.</summary>
    /// <param name="test">The condition.</param>
    /// <param name="whenTrue">The value where the condition holds.</param>
    /// <param name="whenFalse">The value elsewhere.</param>
    public Conditional(Condition test, Expr whenTrue, Expr whenFalse)
        : base(Combine(5, (test ?? throw new ArgumentNullException(nameof(test))).GetHashCode(),
            Unary.NotNull(whenTrue).GetHashCode(), Unary.NotNull(whenFalse).GetHashCode()),
            test.Size + whenTrue.Size + whenFalse.Size + 1)
    {
        Test = test;
        WhenTrue = whenTrue;
        WhenFalse = whenFalse;
    }

    /// <summary>The condition.</summary>
    public Condition Test { get; }

    /// <summary>The value where the condition holds.</summary>
    public Expr WhenTrue { get; }

    /// <summary>The value elsewhere.</summary>
    public Expr WhenFalse { get; }

    /// <summary>The condition's operands followed by the two branches.</summary>
    public override IReadOnlyList<Expr> Children => [.. Test.Operands, WhenTrue, WhenFalse];

    /// <inheritdoc />
    public override double Evaluate(Func<Symbol, double> valueOf) =>
        Test.Evaluate(valueOf) ? WhenTrue.Evaluate(valueOf) : WhenFalse.Evaluate(valueOf);

    private protected override bool EqualsNode(Expr other) =>
        other is Conditional c && c.Test.Equals(Test) && c.WhenTrue.Equals(WhenTrue) && c.WhenFalse.Equals(WhenFalse);

    internal override Expr WithChildren(IReadOnlyList<Expr> children)
    {
        var n = children.Count;
        return new Conditional(Test.WithOperands(children.Take(n - 2).ToArray()), children[n - 2], children[n - 1]);
    }
}
