using System.Globalization;
using System.Text;

namespace TwinLab.Core.Symbolic;

/// <summary>Prints expressions as LaTeX math for notebooks and documentation.</summary>
internal static class LatexPrinter
{
    private const int Sum = 1, Product = 2, Prefix = 3, Power = 4, Atom = 5;

    private static readonly HashSet<string> Greek = new(StringComparer.Ordinal)
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
        "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    };

    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return sb.ToString();
    }

    /// <summary>The LaTeX form of a symbol name: <c>k_el</c> → <c>k_{\mathrm{el}}</c>, <c>alpha</c> → <c>\alpha</c>.</summary>
    public static string SymbolName(string name)
    {
        var cut = name.IndexOf('_', StringComparison.Ordinal);
        var head = cut < 0 ? name : name[..cut];
        var text = Part(head);
        if (cut >= 0 && cut < name.Length - 1)
        {
            text += "_{" + Part(name[(cut + 1)..]) + "}";
        }
        return text;
    }

    private static string Part(string part)
    {
        if (Greek.Contains(part))
        {
            return "\\" + part;
        }
        if (part.Length == 1 || part.All(char.IsAsciiDigit))
        {
            return part;
        }
        return "\\mathrm{" + part.Replace("_", "\\_", StringComparison.Ordinal) + "}";
    }

    private static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }
        var exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text[..e] + " \\times 10^{" + exponent.ToString(CultureInfo.InvariantCulture) + "}";
    }

    private static int Precedence(Expr e) => e switch
    {
        Constant c => double.IsNegative(c.Value) ? Prefix : Atom,
        Unary { Operator: UnaryOperator.Negate } => Prefix,
        Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => Sum,
        Binary { Operator: BinaryOperator.Multiply } => Product,
        Binary { Operator: BinaryOperator.Power } => Power,
        Unary { Operator: UnaryOperator.Exp } => Power,
        _ => Atom,
    };

    private static void Write(StringBuilder sb, Expr e, int required)
    {
        var parens = Precedence(e) < required;
        if (parens)
        {
            sb.Append("\\left(");
        }
        switch (e)
        {
            case Constant c:
                sb.Append(Number(c.Value));
                break;
            case Symbol s:
                sb.Append(SymbolName(s.Name));
                break;
            case Unary { Operator: UnaryOperator.Negate } n:
                sb.Append('-');
                Write(sb, n.Operand, Product + 1);
                break;
            case Unary { Operator: UnaryOperator.Exp } x:
                sb.Append("e^{");
                Write(sb, x.Operand, 0);
                sb.Append('}');
                break;
            case Unary { Operator: UnaryOperator.Sqrt } r:
                sb.Append("\\sqrt{");
                Write(sb, r.Operand, 0);
                sb.Append('}');
                break;
            case Unary { Operator: UnaryOperator.Abs } a:
                sb.Append("\\left|");
                Write(sb, a.Operand, 0);
                sb.Append("\\right|");
                break;
            case Unary u:
                sb.Append(u.Operator switch
                {
                    UnaryOperator.Log => "\\ln",
                    UnaryOperator.Sin => "\\sin",
                    UnaryOperator.Cos => "\\cos",
                    _ => "\\tanh",
                });
                sb.Append("\\left(");
                Write(sb, u.Operand, 0);
                sb.Append("\\right)");
                break;
            case Binary { Operator: BinaryOperator.Divide } d:
                sb.Append("\\frac{");
                Write(sb, d.Left, 0);
                sb.Append("}{");
                Write(sb, d.Right, 0);
                sb.Append('}');
                break;
            case Binary { Operator: BinaryOperator.Power } p:
                sb.Append('{');
                Write(sb, p.Left, Atom);
                sb.Append("}^{");
                Write(sb, p.Right, 0);
                sb.Append('}');
                break;
            case Binary { Operator: BinaryOperator.Min or BinaryOperator.Max } m:
                sb.Append(m.Operator == BinaryOperator.Min ? "\\min\\left(" : "\\max\\left(");
                Write(sb, m.Left, 0);
                sb.Append(", ");
                Write(sb, m.Right, 0);
                sb.Append("\\right)");
                break;
            case Binary { Operator: BinaryOperator.Multiply } m:
                Write(sb, m.Left, Product);
                // A number on the right needs an explicit dot; elsewhere a thin space reads as a product.
                var numberNext = m.Right is Constant || m.Right is Binary { Operator: BinaryOperator.Multiply or BinaryOperator.Power, Left: Constant };
                sb.Append(numberNext ? " \\cdot " : " \\, ");
                Write(sb, m.Right, Product + 1);
                break;
            case Binary b:
                Write(sb, b.Left, Sum);
                sb.Append(b.Operator == BinaryOperator.Add ? " + " : " - ");
                Write(sb, b.Right, Sum + 1);
                break;
            case Conditional c:
                sb.Append("\\begin{cases} ");
                Write(sb, c.WhenTrue, 0);
                sb.Append(" & \\text{if } ");
                Write(sb, c.Test);
                sb.Append(" \\\\ ");
                Write(sb, c.WhenFalse, 0);
                sb.Append(" & \\text{otherwise} \\end{cases}");
                break;
            default:
                throw new NotSupportedException($"Cannot print a {e.GetType().Name} node.");
        }
        if (parens)
        {
            sb.Append("\\right)");
        }
    }

    private static void Write(StringBuilder sb, Condition c)
    {
        switch (c)
        {
            case Comparison k:
                Write(sb, k.Left, 0);
                sb.Append(k.Operator switch
                {
                    ComparisonOperator.Less => " < ",
                    ComparisonOperator.LessOrEqual => " \\le ",
                    ComparisonOperator.Greater => " > ",
                    ComparisonOperator.GreaterOrEqual => " \\ge ",
                    ComparisonOperator.Equal => " = ",
                    _ => " \\ne ",
                });
                Write(sb, k.Right, 0);
                break;
            case Logical { Operator: LogicalOperator.Not } n:
                sb.Append("\\lnot \\left(");
                Write(sb, n.Left);
                sb.Append("\\right)");
                break;
            case Logical l:
                sb.Append("\\left(");
                Write(sb, l.Left);
                sb.Append(l.Operator == LogicalOperator.And ? " \\land " : " \\lor ");
                Write(sb, l.Right!);
                sb.Append("\\right)");
                break;
            default:
                throw new NotSupportedException($"Cannot print a {c.GetType().Name} condition.");
        }
    }
}
