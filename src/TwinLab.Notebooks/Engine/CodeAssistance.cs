using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace TwinLab.Notebooks.Engine;

/// <summary>Completion candidates and the span of the cell they replace.</summary>
/// <param name="Matches">The candidate names, sorted (those matching the typed prefix's case first).</param>
/// <param name="Start">The UTF-16 index where the replaced text starts.</param>
/// <param name="End">The UTF-16 index where it ends.</param>
public sealed record CompletionResult(IReadOnlyList<string> Matches, int Start, int End);

/// <summary>
/// Completion and inspection from Roslyn's semantic model of a cell compiled as the next submission (so variables,
/// methods and types of earlier cells are in scope).
/// </summary>
internal sealed partial class CodeAssistance(ScriptState<object>? state, ScriptOptions options)
{
    private static readonly string[] Keywords =
    [
        "abstract", "as", "async", "await", "base", "bool", "break", "case", "catch", "char", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "false", "finally", "float", "for", "foreach",
        "if", "in", "int", "interface", "is", "long", "namespace", "new", "null", "object", "out", "override", "params",
        "private", "public", "readonly", "record", "ref", "return", "static", "string", "struct", "switch", "this",
        "throw", "true", "try", "typeof", "using", "var", "void", "while", "yield",
    ];

    private static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMemberOptions(SymbolDisplayMemberOptions.IncludeContainingType)
        .AddParameterOptions(SymbolDisplayParameterOptions.IncludeDefaultValue);

    public CompletionResult Complete(string code, int position)
    {
        position = Math.Clamp(position, 0, code.Length);
        var (tree, model) = Analyze(code);
        var start = position;
        while (start > 0 && IsIdentifierCharacter(code[start - 1]))
        {
            start--;
        }
        var end = position;
        while (end < code.Length && IsIdentifierCharacter(code[end]))
        {
            end++;
        }
        var prefix = code[start..position];
        var before = start;
        while (before > 0 && char.IsWhiteSpace(code[before - 1]))
        {
            before--;
        }

        IEnumerable<ISymbol> symbols;
        var keywords = Enumerable.Empty<string>();
        if (before > 0 && code[before - 1] == '.')
        {
            symbols = Members(tree, model, before - 1, start);
        }
        else
        {
            symbols = model.LookupSymbols(start);
            keywords = Keywords;
        }
        var names = symbols
            .Where(s => s.CanBeReferencedByName && s.Kind != SymbolKind.ErrorType && !s.Name.StartsWith("Submission#", StringComparison.Ordinal))
            .Select(s => s.Name)
            .Concat(keywords)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n.StartsWith(prefix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        return new CompletionResult(names, start, end);
    }

    public string? Inspect(string code, int position)
    {
        position = Math.Clamp(position, 0, code.Length);
        var (tree, model) = Analyze(code);
        var root = tree.GetRoot();
        SyntaxNode? node = null;
        if (position < code.Length && IsIdentifierCharacter(code[position]))
        {
            node = root.FindToken(position).Parent;
        }
        else if (position > 0 && IsIdentifierCharacter(code[position - 1]))
        {
            node = root.FindToken(position - 1).Parent;
        }
        else
        {
            // Inside a call's parentheses: the method being called.
            var token = root.FindToken(Math.Max(0, position - 1));
            var argumentList = token.Parent?.AncestorsAndSelf().OfType<ArgumentListSyntax>().FirstOrDefault();
            node = argumentList?.Parent switch
            {
                InvocationExpressionSyntax invocation => invocation.Expression,
                BaseObjectCreationExpressionSyntax creation => creation,
                _ => null,
            };
        }
        if (node is null)
        {
            return null;
        }
        var symbol = SymbolAt(model, node);
        if (symbol is null)
        {
            return null;
        }
        var signature = symbol.ToMinimalDisplayString(model, node.SpanStart, SignatureFormat);
        var kind = symbol switch
        {
            ILocalSymbol => "(local) ",
            IParameterSymbol => "(parameter) ",
            IFieldSymbol { ContainingType.IsScriptClass: true } => "(variable) ",
            IFieldSymbol f when f.ContainingType.Name.StartsWith("Submission#", StringComparison.Ordinal) => "(variable) ",
            _ => "",
        };
        var documented = symbol switch
        {
            IMethodSymbol { ReducedFrom: { } reduced } => reduced,
            _ => symbol.OriginalDefinition,
        };
        var summary = Summary(documented.GetDocumentationCommentXml(expandIncludes: false));
        return summary is null ? kind + signature : $"{kind}{signature}\n\n{summary}";
    }

    private static ISymbol? SymbolAt(SemanticModel model, SyntaxNode node)
    {
        foreach (var candidate in node.AncestorsAndSelf().Take(3))
        {
            var info = model.GetSymbolInfo(candidate);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(candidate);
            if (symbol is not null)
            {
                return symbol;
            }
            if (candidate is ExpressionSyntax && model.GetTypeInfo(candidate).Type is { TypeKind: not TypeKind.Error } type)
            {
                return type;
            }
        }
        return null;
    }

    private (SyntaxTree Tree, SemanticModel Model) Analyze(string code)
    {
        var script = state is null
            ? CSharpScript.Create(code, options, typeof(NotebookGlobals))
            : state.Script.ContinueWith(code, options);
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        return (tree, compilation.GetSemanticModel(tree));
    }

    /// <summary>The members that may follow <c>expression.</c>: those of a namespace, the static members of a type, or
    /// the instance members (extension methods included) of a value's type.</summary>
    private static IEnumerable<ISymbol> Members(SyntaxTree tree, SemanticModel model, int dot, int position)
    {
        var token = tree.GetRoot().FindToken(dot);
        ExpressionSyntax? left = token.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            QualifiedNameSyntax qualified => qualified.Left,
            MemberBindingExpressionSyntax binding => binding.Parent?.AncestorsAndSelf().OfType<ConditionalAccessExpressionSyntax>().FirstOrDefault()?.Expression,
            _ => null,
        };
        if (left is null)
        {
            return [];
        }
        var symbol = model.GetSymbolInfo(left).Symbol;
        switch (symbol)
        {
            case INamespaceSymbol ns:
                return model.LookupNamespacesAndTypes(position, ns);
            case ITypeSymbol type when left is IdentifierNameSyntax or QualifiedNameSyntax or GenericNameSyntax or PredefinedTypeSyntax
                && model.GetTypeInfo(left).Type is var valueType && (valueType is null || SymbolEqualityComparer.Default.Equals(valueType, type)):
                var statics = model.LookupStaticMembers(position, type);
                // In "Color Color" cases (a variable named like its type), instance members apply too.
                return statics;
        }
        var typeOfValue = model.GetTypeInfo(left).Type;
        if (typeOfValue is null || typeOfValue.TypeKind == TypeKind.Error)
        {
            return [];
        }
        return model.LookupSymbols(position, typeOfValue, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s is IMethodSymbol { ReducedFrom: not null });
    }

    private static bool IsIdentifierCharacter(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>The text of the <c>summary</c> element of an XML doc comment, with references reduced to names.</summary>
    internal static string? Summary(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }
        try
        {
            var document = XDocument.Parse(xml);
            var summary = document.Descendants("summary").FirstOrDefault();
            if (summary is null)
            {
                return null;
            }
            var sb = new StringBuilder();
            AppendText(summary, sb);
            var text = Whitespace().Replace(sb.ToString(), " ").Trim();
            return text.Length == 0 ? null : text;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static void AppendText(XElement element, StringBuilder sb)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    sb.Append(text.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    var target = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? (string?)see.Attribute("href") ?? see.Value;
                    sb.Append(see.Value.Length > 0 ? see.Value : ShortName(target));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    sb.Append((string?)reference.Attribute("name"));
                    break;
                case XElement inner:
                    AppendText(inner, sb);
                    break;
            }
        }
    }

    /// <summary>"M:System.Math.Sqrt(System.Double)" → "Math.Sqrt".</summary>
    private static string ShortName(string cref)
    {
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            name = name[..paren];
        }
        var parts = name.Split('.');
        return parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : name;
    }

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
