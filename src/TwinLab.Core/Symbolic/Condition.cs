namespace TwinLab.Core.Symbolic;

/// <summary>The operators of <see cref="Comparison"/> conditions.</summary>
public enum ComparisonOperator
{
    /// <summary>a &lt; b.</summary>
    Less,
    /// <summary>a ≤ b.</summary>
    LessOrEqual,
    /// <summary>a &gt; b.</summary>
    Greater,
    /// <summary>a ≥ b.</summary>
    GreaterOrEqual,
    /// <summary>a = b.</summary>
    Equal,
    /// <summary>a ≠ b.</summary>
    NotEqual,
}

/// <summary>The operators of <see cref="Logical"/> conditions.</summary>
public enum LogicalOperator
{
    /// <summary>Both hold.</summary>
    And,
    /// <summary>Either holds.</summary>
    Or,
    /// <summary>The single operand does not hold.</summary>
    Not,
}

/// <summary>A boolean condition over expressions, used by <see cref="Conditional"/> (<see cref="Sym.If"/>).</summary>
public abstract class Condition : IEquatable<Condition>
{
    private readonly int _hash;

    private protected Condition(int hash, int size)
    {
        _hash = hash;
        Size = size;
    }

    /// <summary>The number of nodes, counting the expressions compared.</summary>
    public int Size { get; }

    /// <summary>The expressions compared by this condition and its sub-conditions, left to right.</summary>
    public abstract IReadOnlyList<Expr> Operands { get; }

    /// <summary>Both conditions hold.</summary>
    public static Condition operator &(Condition left, Condition right) => new Logical(LogicalOperator.And, left, right);

    /// <summary>Either condition holds.</summary>
    public static Condition operator |(Condition left, Condition right) => new Logical(LogicalOperator.Or, left, right);

    /// <summary>The condition does not hold.</summary>
    public static Condition operator !(Condition operand) => new Logical(LogicalOperator.Not, operand, null);

    /// <summary>Both conditions hold (the named alternative to <c>&amp;</c>).</summary>
    public static Condition BitwiseAnd(Condition left, Condition right) => left & right;

    /// <summary>Either condition holds (the named alternative to <c>|</c>).</summary>
    public static Condition BitwiseOr(Condition left, Condition right) => left | right;

    /// <summary>The condition does not hold (the named alternative to <c>!</c>).</summary>
    public static Condition LogicalNot(Condition operand) => !operand;

    /// <summary>Evaluates the condition.</summary>
    /// <param name="valueOf">Returns the value of a symbol.</param>
    public abstract bool Evaluate(Func<Symbol, double> valueOf);

    /// <summary>Rebuilds the condition with new operands (same count and order as <see cref="Operands"/>).</summary>
    internal abstract Condition WithOperands(IReadOnlyList<Expr> operands);

    /// <inheritdoc />
    public bool Equals(Condition? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && EqualsNode(other)));

    private protected abstract bool EqualsNode(Condition other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Condition c && Equals(c);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <inheritdoc />
    public override string ToString() => TextPrinter.Print(this);
}

/// <summary>A comparison of two expressions.</summary>
public sealed class Comparison : Condition
{
    /// <summary>Creates a comparison.</summary>
    /// <param name="op">The comparison.</param>
    /// <param name="left">The left side.</param>
    /// <param name="right">The right side.</param>
    public Comparison(ComparisonOperator op, Expr left, Expr right)
        : base(Expr.Combine(6, (int)op, Unary.NotNull(left).GetHashCode(), Unary.NotNull(right).GetHashCode()), left.Size + right.Size + 1)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>The comparison.</summary>
    public ComparisonOperator Operator { get; }

    /// <summary>The left side.</summary>
    public Expr Left { get; }

    /// <summary>The right side.</summary>
    public Expr Right { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Operands => [Left, Right];

    /// <inheritdoc />
    public override bool Evaluate(Func<Symbol, double> valueOf) => Apply(Operator, Left.Evaluate(valueOf), Right.Evaluate(valueOf));

    internal static bool Apply(ComparisonOperator op, double a, double b) => op switch
    {
        ComparisonOperator.Less => a < b,
        ComparisonOperator.LessOrEqual => a <= b,
        ComparisonOperator.Greater => a > b,
        ComparisonOperator.GreaterOrEqual => a >= b,
        ComparisonOperator.Equal => a == b,
        ComparisonOperator.NotEqual => a != b,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    internal override Condition WithOperands(IReadOnlyList<Expr> operands) => new Comparison(Operator, operands[0], operands[1]);

    private protected override bool EqualsNode(Condition other) =>
        other is Comparison c && c.Operator == Operator && c.Left.Equals(Left) && c.Right.Equals(Right);
}

/// <summary>A logical combination of conditions.</summary>
public sealed class Logical : Condition
{
    /// <summary>Creates a logical combination.</summary>
    /// <param name="op">And, or, not.</param>
    /// <param name="left">The first (for not: the only) operand.</param>
    /// <param name="right">The second operand (null for not).</param>
    public Logical(LogicalOperator op, Condition left, Condition? right)
        : base(Expr.Combine(7, (int)op, (left ?? throw new ArgumentNullException(nameof(left))).GetHashCode(), right?.GetHashCode() ?? 0),
            left.Size + (right?.Size ?? 0) + 1)
    {
        if ((op == LogicalOperator.Not) != (right is null))
        {
            throw new ArgumentException("'not' takes one condition; 'and' and 'or' take two.", nameof(right));
        }
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>The operator.</summary>
    public LogicalOperator Operator { get; }

    /// <summary>The first (for not: the only) operand.</summary>
    public Condition Left { get; }

    /// <summary>The second operand (null for not).</summary>
    public Condition? Right { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> Operands => Right is null ? Left.Operands : [.. Left.Operands, .. Right.Operands];

    /// <inheritdoc />
    public override bool Evaluate(Func<Symbol, double> valueOf) => Operator switch
    {
        LogicalOperator.And => Left.Evaluate(valueOf) && Right!.Evaluate(valueOf),
        LogicalOperator.Or => Left.Evaluate(valueOf) || Right!.Evaluate(valueOf),
        _ => !Left.Evaluate(valueOf),
    };

    internal override Condition WithOperands(IReadOnlyList<Expr> operands)
    {
        var n = Left.Operands.Count;
        var left = Left.WithOperands(operands.Take(n).ToArray());
        var right = Right?.WithOperands(operands.Skip(n).ToArray());
        return new Logical(Operator, left, right);
    }

    private protected override bool EqualsNode(Condition other) =>
        other is Logical l && l.Operator == Operator && l.Left.Equals(Left) && Equals(l.Right, Right);
}
