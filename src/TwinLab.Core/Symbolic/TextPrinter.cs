using System.Text;

namespace TwinLab.Core.Symbolic;

/// <summary>Prints expressions as infix text with the fewest parentheses that <see cref="ExprParser"/> needs to read
/// the same tree back.</summary>
internal static class TextPrinter
{
    // Precedence levels, loosest to tightest.
    private const int Sum = 1, Product = 2, Prefix = 3, Power = 4, Atom = 5;

    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return sb.ToString();
    }

    public static string Print(Condition c)
    {
        var sb = new StringBuilder();
        Write(sb, c);
        return sb.ToString();
    }

    internal static string FunctionName(UnaryOperator op) => op switch
    {
        UnaryOperator.Exp => "exp",
        UnaryOperator.Log => "log",
        UnaryOperator.Sqrt => "sqrt",
        UnaryOperator.Abs => "abs",
        UnaryOperator.Sin => "sin",
        UnaryOperator.Cos => "cos",
        UnaryOperator.Tanh => "tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    internal static string ComparisonText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Equal => "==",
        _ => "!=",
    };

    private static int Precedence(Expr e) => e switch
    {
        Constant c => c.Value < 0 || double.IsNegative(c.Value) ? Prefix : Atom,
        Unary { Operator: UnaryOperator.Negate } => Prefix,
        Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => Sum,
        Binary { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => Product,
        Binary { Operator: BinaryOperator.Power } => Power,
        _ => Atom,
    };

    private static void Write(StringBuilder sb, Expr e, int required)
    {
        var own = Precedence(e);
        var parens = own < required;
        if (parens)
        {
            sb.Append('(');
        }
        switch (e)
        {
            case Constant c:
                sb.Append(Expr.Format(c.Value));
                break;
            case Symbol s:
                sb.Append(s.Name);
                break;
            case Unary { Operator: UnaryOperator.Negate } n:
                sb.Append('-');
                // A non-negative constant is wrapped so that the text is not read back as a negative literal.
                Write(sb, n.Operand, n.Operand is Constant ? Atom + 1 : Power);
                break;
            case Unary u:
                sb.Append(FunctionName(u.Operator)).Append('(');
                Write(sb, u.Operand, 0);
                sb.Append(')');
                break;
            case Binary { Operator: BinaryOperator.Min or BinaryOperator.Max } b:
                sb.Append(b.Operator == BinaryOperator.Min ? "min(" : "max(");
                Write(sb, b.Left, 0);
                sb.Append(", ");
                Write(sb, b.Right, 0);
                sb.Append(')');
                break;
            case Binary { Operator: BinaryOperator.Power } p:
                Write(sb, p.Left, Atom);
                sb.Append('^');
                Write(sb, p.Right, Prefix);
                break;
            case Binary b:
                var (symbol, level) = b.Operator switch
                {
                    BinaryOperator.Add => (" + ", Sum),
                    BinaryOperator.Subtract => (" - ", Sum),
                    BinaryOperator.Multiply => (" * ", Product),
                    _ => (" / ", Product),
                };
                Write(sb, b.Left, level);
                sb.Append(symbol);
                Write(sb, b.Right, level + 1);
                break;
            case Conditional c:
                sb.Append("if(");
                Write(sb, c.Test);
                sb.Append(", ");
                Write(sb, c.WhenTrue, 0);
                sb.Append(", ");
                Write(sb, c.WhenFalse, 0);
                sb.Append(')');
                break;
            default:
                throw new NotSupportedException($"Cannot print a {e.GetType().Name} node.");
        }
        if (parens)
        {
            sb.Append(')');
        }
    }

    private static void Write(StringBuilder sb, Condition c)
    {
        switch (c)
        {
            case Comparison k:
                Write(sb, k.Left, 0);
                sb.Append(' ').Append(ComparisonText(k.Operator)).Append(' ');
                Write(sb, k.Right, 0);
                break;
            case Logical { Operator: LogicalOperator.Not } n:
                sb.Append("!(");
                Write(sb, n.Left);
                sb.Append(')');
                break;
            case Logical l:
                WriteOperand(sb, l.Left, l.Operator);
                sb.Append(l.Operator == LogicalOperator.And ? " && " : " || ");
                WriteOperand(sb, l.Right!, l.Operator, right: true);
                break;
            default:
                throw new NotSupportedException($"Cannot print a {c.GetType().Name} condition.");
        }
    }

    private static void WriteOperand(StringBuilder sb, Condition operand, LogicalOperator parent, bool right = false)
    {
        // Logical operators are left-associative; a right operand of the same operator, or any operand of another
        // binary logical operator, is parenthesised.
        var parens = operand is Logical { Operator: not LogicalOperator.Not } l && (l.Operator != parent || right);
        if (parens)
        {
            sb.Append('(');
        }
        Write(sb, operand);
        if (parens)
        {
            sb.Append(')');
        }
    }
}
