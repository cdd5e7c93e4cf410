using System.Globalization;
using System.Xml.Linq;
using TwinLab.Core.Symbolic;

namespace TwinLab.Governance.Sbml;

/// <summary>
/// Converts TwinLab expressions to and from content MathML as SBML Level 3 uses it. Writing maps each expression node to
/// one MathML element (so reading the result back gives the same tree, and the same model digest); reading also
/// accepts the n-ary and alternative forms other tools write (<c>plus</c> with many arguments, <c>log</c> with a base,
/// <c>root</c> with a degree, function calls) and reports anything else as unsupported.
/// </summary>
public static class MathML
{
    /// <summary>The MathML namespace.</summary>
    public static readonly XNamespace Namespace = "http://www.w3.org/1998/Math/MathML";

    /// <summary>The <c>definitionURL</c> of SBML's time symbol.</summary>
    public const string TimeUrl = "http://www.sbml.org/sbml/symbols/time";

    private static readonly XNamespace M = Namespace;

    /// <summary>The expression as a <c>&lt;math&gt;</c> element.</summary>
    /// <param name="expression">The expression; the symbol <c>t</c> is written as SBML's time.</param>
    public static XElement Math(Expr expression) => new(M + "math", Write(expression));

    /// <summary>A condition (an event trigger) as a <c>&lt;math&gt;</c> element.</summary>
    /// <param name="condition">The condition.</param>
    public static XElement Math(Condition condition) => new(M + "math", Write(condition));

    /// <summary>The MathML content element of an expression (without the enclosing <c>&lt;math&gt;</c>).</summary>
    /// <param name="e">The expression.</param>
    public static XElement Write(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            Constant c => Number(c.Value),
            Symbol s when s.Name == Sym.TimeName => new XElement(M + "csymbol", new XAttribute("encoding", "text"), new XAttribute("definitionURL", TimeUrl), "t"),
            Symbol s => new XElement(M + "ci", s.Name),
            Unary u => Apply(UnaryName(u.Operator), Write(u.Operand)),
            Binary b => Apply(BinaryName(b.Operator), Write(b.Left), Write(b.Right)),
            Conditional c => new XElement(M + "piecewise",
                new XElement(M + "piece", Write(c.WhenTrue), Write(c.Test)),
                new XElement(M + "otherwise", Write(c.WhenFalse))),
            _ => throw new ArgumentException($"The expression node {e.GetType().Name} ('{e}') has no MathML form.", nameof(e)),
        };
    }

    /// <summary>The MathML content element of a condition.</summary>
    /// <param name="c">The condition.</param>
    public static XElement Write(Condition c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c switch
        {
            Comparison k => Apply(ComparisonName(k.Operator), Write(k.Left), Write(k.Right)),
            Logical { Operator: LogicalOperator.Not } l => Apply("not", Write(l.Left)),
            Logical l => Apply(l.Operator == LogicalOperator.And ? "and" : "or", Write(l.Left), Write(l.Right!)),
            _ => throw new ArgumentException($"The condition node {c.GetType().Name} ('{c}') has no MathML form.", nameof(c)),
        };
    }

    private static XElement Number(double value)
    {
        if (double.IsNaN(value))
        {
            return new XElement(M + "notanumber");
        }
        if (double.IsPositiveInfinity(value))
        {
            return new XElement(M + "infinity");
        }
        if (double.IsNegativeInfinity(value))
        {
            return Apply("minus", new XElement(M + "infinity"));
        }
        // "R" round-trips every double exactly, so reading the file back gives bit-identical constants.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        return e < 0
            ? new XElement(M + "cn", new XAttribute("type", "real"), text)
            : new XElement(M + "cn", new XAttribute("type", "e-notation"), text[..e], new XElement(M + "sep"), text[(e + 1)..].TrimStart('+'));
    }

    private static XElement Apply(string op, params XElement[] arguments) => new(M + "apply", new XElement(M + op), arguments);

    private static string UnaryName(UnaryOperator op) => op switch
    {
        UnaryOperator.Negate => "minus",
        UnaryOperator.Exp => "exp",
        UnaryOperator.Log => "ln",
        UnaryOperator.Sqrt => "root",
        UnaryOperator.Abs => "abs",
        UnaryOperator.Sin => "sin",
        UnaryOperator.Cos => "cos",
        UnaryOperator.Tanh => "tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static string BinaryName(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "plus",
        BinaryOperator.Subtract => "minus",
        BinaryOperator.Multiply => "times",
        BinaryOperator.Divide => "divide",
        BinaryOperator.Power => "power",
        BinaryOperator.Min => "min",
        BinaryOperator.Max => "max",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static string ComparisonName(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Less => "lt",
        ComparisonOperator.LessOrEqual => "leq",
        ComparisonOperator.Greater => "gt",
        ComparisonOperator.GreaterOrEqual => "geq",
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "neq",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Reads the expression inside a <c>&lt;math&gt;</c> element.</summary>
    /// <param name="math">The <c>&lt;math&gt;</c> element.</param>
    /// <param name="functions">Function definitions to inline, by id (each a lambda's argument names and body).</param>
    /// <param name="where">Where the math is (element and id), for error messages.</param>
    /// <param name="renames">Identifiers to read under another name (SBML ids that are not valid TwinLab names, or
    /// that would be taken for time), or null.</param>
    /// <exception cref="SbmlUnsupportedException">The math uses a construct TwinLab does not support.</exception>
    public static Expr ReadExpression(XElement math, IReadOnlyDictionary<string, FunctionDefinition> functions, string where,
        IReadOnlyDictionary<string, string>? renames = null)
    {
        ArgumentNullException.ThrowIfNull(math);
        ArgumentNullException.ThrowIfNull(functions);
        return new Reader(functions, where, renames).Expression(Single(math, where));
    }

    /// <summary>Reads the condition inside a <c>&lt;math&gt;</c> element (an event trigger).</summary>
    /// <param name="math">The <c>&lt;math&gt;</c> element.</param>
    /// <param name="functions">Function definitions to inline, by id.</param>
    /// <param name="where">Where the math is (element and id), for error messages.</param>
    /// <param name="renames">Identifiers to read under another name, or null.</param>
    /// <exception cref="SbmlUnsupportedException">The math uses a construct TwinLab does not support.</exception>
    public static Condition ReadCondition(XElement math, IReadOnlyDictionary<string, FunctionDefinition> functions, string where,
        IReadOnlyDictionary<string, string>? renames = null)
    {
        ArgumentNullException.ThrowIfNull(math);
        ArgumentNullException.ThrowIfNull(functions);
        return new Reader(functions, where, renames).Condition(Single(math, where));
    }

    private static XElement Single(XElement math, string where)
    {
        var children = math.Elements().ToList();
        return children.Count == 1
            ? children[0]
            : throw new SbmlUnsupportedException(where, $"a <math> element must hold exactly one expression; it holds {children.Count}");
    }

    private sealed class Reader(IReadOnlyDictionary<string, FunctionDefinition> functions, string where, IReadOnlyDictionary<string, string>? renames)
    {
        private readonly Dictionary<string, Expr> _bound = new(StringComparer.Ordinal);

        private SbmlUnsupportedException Unsupported(string what) => new(where, what);

        public Expr Expression(XElement e)
        {
            if (e.Name.Namespace != M)
            {
                throw Unsupported($"the element <{e.Name.LocalName}> is not MathML");
            }
            switch (e.Name.LocalName)
            {
                case "cn":
                    return new Constant(ReadNumber(e));
                case "ci":
                    var name = e.Value.Trim();
                    if (_bound.TryGetValue(name, out var bound))
                    {
                        return bound;
                    }
                    if (renames is not null && renames.TryGetValue(name, out var renamed))
                    {
                        name = renamed;
                    }
                    return Symbol.IsValidName(name) ? new Symbol(name) : throw Unsupported($"the identifier '{name}' is not a valid TwinLab symbol name");
                case "csymbol":
                    var url = (string?)e.Attribute("definitionURL") ?? "";
                    return url == TimeUrl ? Sym.Time : throw Unsupported($"the csymbol '{url}' (only time is supported)");
                case "pi":
                    return new Constant(System.Math.PI);
                case "exponentiale":
                    return new Constant(System.Math.E);
                case "infinity":
                    return new Constant(double.PositiveInfinity);
                case "notanumber":
                    return new Constant(double.NaN);
                case "piecewise":
                    return Piecewise(e);
                case "apply":
                    return ApplyExpression(e);
                default:
                    throw Unsupported($"the MathML element <{e.Name.LocalName}>");
            }
        }

        private double ReadNumber(XElement e)
        {
            var type = (string?)e.Attribute("type") ?? "real";
            var parts = e.Nodes().OfType<XText>().Select(t => t.Value.Trim()).Where(t => t.Length > 0).ToList();
            double Parse(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Unsupported($"the number '{s}' in <cn>");
            return type switch
            {
                "real" or "integer" when parts.Count == 1 => Parse(parts[0]),
                "e-notation" when parts.Count == 2 => Parse(parts[0] + "E" + parts[1]),
                "rational" when parts.Count == 2 => Parse(parts[0]) / Parse(parts[1]),
                _ => throw Unsupported($"a <cn> of type '{type}' with {parts.Count} parts"),
            };
        }

        private Expr Piecewise(XElement e)
        {
            var pieces = e.Elements(M + "piece").ToList();
            var otherwise = e.Element(M + "otherwise");
            if (pieces.Count == 0 || e.Elements().Any(c => c.Name != M + "piece" && c.Name != M + "otherwise"))
            {
                throw Unsupported("a <piecewise> without <piece> or with unexpected children");
            }
            Expr result = otherwise is null
                ? new Constant(double.NaN)
                : Expression(otherwise.Elements().Single());
            for (var i = pieces.Count - 1; i >= 0; i--)
            {
                var parts = pieces[i].Elements().ToList();
                if (parts.Count != 2)
                {
                    throw Unsupported("a <piece> must hold a value and a condition");
                }
                result = new Conditional(Condition(parts[1]), Expression(parts[0]), result);
            }
            return result;
        }

        private Expr ApplyExpression(XElement e)
        {
            var children = e.Elements().ToList();
            if (children.Count == 0)
            {
                throw Unsupported("an empty <apply>");
            }
            var head = children[0];
            var qualifiers = children.Skip(1).Where(c => c.Name == M + "degree" || c.Name == M + "logbase").ToList();
            var args = children.Skip(1).Where(c => c.Name != M + "degree" && c.Name != M + "logbase").Select(Expression).ToList();
            if (head.Name == M + "ci")
            {
                return Call(head.Value.Trim(), args);
            }
            var op = head.Name.LocalName;
            if (head.Name.Namespace != M)
            {
                throw Unsupported($"the operator <{op}>");
            }
            Expr Fold(BinaryOperator binary)
            {
                if (args.Count < 2)
                {
                    throw Unsupported($"<{op}> with {args.Count} argument(s)");
                }
                var acc = args[0];
                for (var i = 1; i < args.Count; i++)
                {
                    acc = new Binary(binary, acc, args[i]);
                }
                return acc;
            }
            Expr One(UnaryOperator unary) => args.Count == 1 ? new Unary(unary, args[0]) : throw Unsupported($"<{op}> with {args.Count} arguments");
            switch (op)
            {
                case "plus":
                    return args.Count switch
                    {
                        0 => new Constant(0),
                        1 => args[0],
                        _ => Fold(BinaryOperator.Add),
                    };
                case "times":
                    return args.Count switch
                    {
                        0 => new Constant(1),
                        1 => args[0],
                        _ => Fold(BinaryOperator.Multiply),
                    };
                case "minus":
                    return args.Count == 1 ? new Unary(UnaryOperator.Negate, args[0])
                        : args.Count == 2 ? new Binary(BinaryOperator.Subtract, args[0], args[1])
                        : throw Unsupported($"<minus> with {args.Count} arguments");
                case "divide":
                    return args.Count == 2 ? Fold(BinaryOperator.Divide) : throw Unsupported($"<divide> with {args.Count} arguments");
                case "power":
                    return args.Count == 2 ? Fold(BinaryOperator.Power) : throw Unsupported($"<power> with {args.Count} arguments");
                case "min":
                    return args.Count == 1 ? args[0] : Fold(BinaryOperator.Min);
                case "max":
                    return args.Count == 1 ? args[0] : Fold(BinaryOperator.Max);
                case "exp":
                    return One(UnaryOperator.Exp);
                case "ln":
                    return One(UnaryOperator.Log);
                case "log":
                    {
                        var logBase = qualifiers.FirstOrDefault(q => q.Name == M + "logbase") is { } b ? Expression(b.Elements().Single()) : new Constant(10);
                        return args.Count == 1
                            ? new Binary(BinaryOperator.Divide, new Unary(UnaryOperator.Log, args[0]), new Unary(UnaryOperator.Log, logBase))
                            : throw Unsupported($"<log> with {args.Count} arguments");
                    }
                case "root":
                    {
                        var degree = qualifiers.FirstOrDefault(q => q.Name == M + "degree");
                        if (degree is null)
                        {
                            return One(UnaryOperator.Sqrt);
                        }
                        var n = Expression(degree.Elements().Single());
                        return args.Count == 1 ? new Binary(BinaryOperator.Power, args[0], new Binary(BinaryOperator.Divide, new Constant(1), n))
                            : throw Unsupported($"<root> with {args.Count} arguments");
                    }
                case "abs":
                    return One(UnaryOperator.Abs);
                case "sin":
                    return One(UnaryOperator.Sin);
                case "cos":
                    return One(UnaryOperator.Cos);
                case "tanh":
                    return One(UnaryOperator.Tanh);
                default:
                    throw Unsupported($"the MathML operator <{op}>");
            }
        }

        private Expr Call(string name, List<Expr> args)
        {
            if (!functions.TryGetValue(name, out var f))
            {
                throw Unsupported($"a call to '{name}', which is not a function definition of the model");
            }
            if (f.Arguments.Count != args.Count)
            {
                throw Unsupported($"a call to '{name}' with {args.Count} arguments; the function takes {f.Arguments.Count}");
            }
            // Inline the body with the arguments bound to the call's expressions (function bodies see only their
            // arguments, so outer bindings are saved and restored).
            var saved = new Dictionary<string, Expr>(_bound, StringComparer.Ordinal);
            _bound.Clear();
            for (var i = 0; i < args.Count; i++)
            {
                _bound[f.Arguments[i]] = args[i];
            }
            try
            {
                return Expression(f.Body);
            }
            finally
            {
                _bound.Clear();
                foreach (var (k, v) in saved)
                {
                    _bound[k] = v;
                }
            }
        }

        public Condition Condition(XElement e)
        {
            if (e.Name != M + "apply")
            {
                throw Unsupported($"<{e.Name.LocalName}> where a condition was expected");
            }
            var children = e.Elements().ToList();
            var op = children[0].Name.LocalName;
            var rest = children.Skip(1).ToList();
            switch (op)
            {
                case "lt" or "leq" or "gt" or "geq" or "eq" or "neq":
                    if (rest.Count != 2)
                    {
                        throw Unsupported($"<{op}> with {rest.Count} arguments (only two are supported)");
                    }
                    var kind = op switch
                    {
                        "lt" => ComparisonOperator.Less,
                        "leq" => ComparisonOperator.LessOrEqual,
                        "gt" => ComparisonOperator.Greater,
                        "geq" => ComparisonOperator.GreaterOrEqual,
                        "eq" => ComparisonOperator.Equal,
                        _ => ComparisonOperator.NotEqual,
                    };
                    return new Comparison(kind, Expression(rest[0]), Expression(rest[1]));
                case "not":
                    return rest.Count == 1 ? new Logical(LogicalOperator.Not, Condition(rest[0]), null) : throw Unsupported("<not> with other than one argument");
                case "and" or "or":
                    if (rest.Count < 2)
                    {
                        throw Unsupported($"<{op}> with {rest.Count} arguments");
                    }
                    var acc = Condition(rest[0]);
                    for (var i = 1; i < rest.Count; i++)
                    {
                        acc = new Logical(op == "and" ? LogicalOperator.And : LogicalOperator.Or, acc, Condition(rest[i]));
                    }
                    return acc;
                default:
                    throw Unsupported($"the operator <{op}> in a condition");
            }
        }
    }
}

/// <summary>An SBML function definition: a lambda's argument names and its body (a MathML element).</summary>
/// <param name="Id">The function's id.</param>
/// <param name="Arguments">The names of the bound variables, in order.</param>
/// <param name="Body">The body's MathML element.</param>
public sealed record FunctionDefinition(string Id, IReadOnlyList<string> Arguments, XElement Body);

/// <summary>An SBML construct TwinLab cannot represent: says which element, which id, and what it is.</summary>
public sealed class SbmlUnsupportedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="where">The element and id, e.g. <c>rateRule for 'x'</c>.</param>
    /// <param name="what">What is unsupported.</param>
    public SbmlUnsupportedException(string where, string what) : base($"{where}: {what} is not supported by TwinLab.")
    {
        Where = where;
        What = what;
    }

    /// <summary>Creates the exception.</summary>
    public SbmlUnsupportedException() : this("SBML", "a construct") { }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SbmlUnsupportedException(string message) : base(message)
    {
        Where = "";
        What = message;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SbmlUnsupportedException(string message, Exception innerException) : base(message, innerException)
    {
        Where = "";
        What = message;
    }

    /// <summary>The element and id where the construct is.</summary>
    public string Where { get; }

    /// <summary>What the construct is.</summary>
    public string What { get; }
}
