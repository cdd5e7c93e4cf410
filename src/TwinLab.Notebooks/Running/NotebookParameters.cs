using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TwinLab.Notebooks.Running;

/// <summary>A parameter a cell declares or assigns: <c>var seed = 42;</c> or <c>seed = 7;</c>.</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Type">The declared type (null for <c>var</c> and for assignments).</param>
/// <param name="Expression">The C# text of the value.</param>
/// <param name="Value">The value as JSON when it is a literal (number, string, boolean), else the expression text.</param>
public sealed record NotebookParameter(string Name, string? Type, string Expression, JsonNode? Value);

/// <summary>
/// Papermill-style parameters: a cell tagged <c>parameters</c> holds the defaults; values given on the command line go
/// into a new cell, tagged <c>injected-parameters</c>, right after it. Injected values are assignments to the declared
/// variables (so a value <c>1</c> given for <c>double dt = 0.5;</c> stays a double); a name the parameters cell does
/// not declare is declared with <c>var</c>. Values are C# literals: numbers and <c>true</c>/<c>false</c> as written,
/// anything else as a string.
/// </summary>
public static class NotebookParameters
{
    /// <summary>The tag of the cell holding the defaults.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell holding injected values.</summary>
    public const string InjectedTag = "injected-parameters";

    private static readonly CSharpParseOptions ParseOptions = new(kind: SourceCodeKind.Script);

    /// <summary>The parameters a cell declares or assigns, in order.</summary>
    /// <param name="code">The cell's code.</param>
    /// <returns>The parameters (a later one of the same name replaces an earlier one).</returns>
    public static IReadOnlyList<NotebookParameter> Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var root = CSharpSyntaxTree.ParseText(code, ParseOptions).GetRoot();
        var result = new List<NotebookParameter>();
        foreach (var member in ((CompilationUnitSyntax)root).Members)
        {
            VariableDeclarationSyntax? declaration = member switch
            {
                FieldDeclarationSyntax field => field.Declaration,
                GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local } => local.Declaration,
                _ => null,
            };
            if (declaration is not null)
            {
                var type = declaration.Type.IsVar ? null : declaration.Type.ToString();
                foreach (var variable in declaration.Variables)
                {
                    if (variable.Initializer is { } initializer)
                    {
                        result.Add(Create(variable.Identifier.ValueText, type, initializer.Value));
                    }
                }
            }
            else if (member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax name } assignment } })
            {
                result.Add(Create(name.Identifier.ValueText, null, assignment.Right));
            }
        }
        return result;
    }

    /// <summary>The parameters of a notebook: the defaults of its <c>parameters</c> cell, overridden by its
    /// <c>injected-parameters</c> cells.</summary>
    /// <param name="cells">The notebook's cells.</param>
    /// <returns>The parameters by name, in first-appearance order.</returns>
    public static IReadOnlyList<NotebookParameter> Effective(IEnumerable<Documents.NotebookCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var byName = new List<NotebookParameter>();
        foreach (var cell in cells.Where(c => c.Kind == Documents.CellKind.Code && (c.HasTag(ParametersTag) || c.HasTag(InjectedTag))))
        {
            foreach (var parameter in Parse(cell.Source))
            {
                var index = byName.FindIndex(p => p.Name == parameter.Name);
                if (index < 0)
                {
                    byName.Add(parameter);
                }
                else
                {
                    byName[index] = parameter with { Type = byName[index].Type };
                }
            }
        }
        return byName;
    }

    /// <summary>The source of the cell that sets the given values.</summary>
    /// <param name="values">Name and value text, in order.</param>
    /// <param name="declared">The parameters the notebook's parameters cell declares.</param>
    /// <param name="undeclared">The names that the parameters cell does not declare (declared here with var).</param>
    /// <returns>The cell's source.</returns>
    /// <exception cref="ArgumentException">A name is not a C# identifier.</exception>
    public static string InjectedSource(IEnumerable<KeyValuePair<string, string>> values, IReadOnlyList<NotebookParameter> declared, out IReadOnlyList<string> undeclared)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(declared);
        var sb = new StringBuilder("// Parameters injected by twinlab run\n");
        var missing = new List<string>();
        foreach (var (name, value) in values)
        {
            if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            {
                throw new ArgumentException($"'{name}' is not a valid C# variable name.", nameof(values));
            }
            var isDeclared = declared.Any(p => p.Name == name);
            if (!isDeclared)
            {
                missing.Add(name);
            }
            sb.Append(isDeclared ? "" : "var ").Append(name).Append(" = ").Append(Literal(value)).Append(";\n");
        }
        undeclared = missing;
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>A value given on the command line as a C# literal: an integer or real number, <c>true</c> or
    /// <c>false</c>, <c>null</c>, or else a string literal.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The literal.</returns>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is "true" or "false" or "null")
        {
            return value;
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            var text = real.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
        }
        return SymbolDisplay.FormatLiteral(value, quote: true);
    }

    private static NotebookParameter Create(string name, string? type, ExpressionSyntax expression)
    {
        JsonNode? value = expression switch
        {
            LiteralExpressionSyntax literal => literal.Token.Value switch
            {
                null => null,
                string s => s,
                bool b => b,
                char c => c.ToString(),
                int i => i,
                long l => l,
                uint u => u,
                ulong ul => ul,
                float f => f,
                double d => d,
                decimal m => m,
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            },
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax number } => number.Token.Value switch
            {
                int i => -i,
                long l => -l,
                float f => -f,
                double d => -d,
                decimal m => -m,
                _ => expression.ToString(),
            },
            _ => expression.ToString(),
        };
        return new NotebookParameter(name, type, expression.ToString(), value);
    }
}
