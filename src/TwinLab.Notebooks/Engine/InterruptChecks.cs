using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TwinLab.Notebooks.Engine;

/// <summary>
/// Inserts a call to <see cref="CellCancellation.ThrowIfInterrupted"/> at the start of every loop body of a cell, so
/// that an interrupt stops a long loop. The call is inserted without line breaks, so line numbers do not change.
/// </summary>
internal sealed class InterruptChecks : CSharpSyntaxRewriter
{
    private const string Check = "global::TwinLab.Notebooks.Engine.CellCancellation.ThrowIfInterrupted();";

    private static readonly StatementSyntax CheckStatement = SyntaxFactory.ParseStatement(Check + " ");

    /// <summary>The code with checks inserted, or null when the cell has no loops.</summary>
    public static string? Insert(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        if (!root.DescendantNodes().Any(n => n is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForEachVariableStatementSyntax))
        {
            return null;
        }
        return new InterruptChecks().Visit(root).ToFullString();
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var visited = (ForStatementSyntax)base.VisitForStatement(node)!;
        return visited.WithStatement(WithCheck(visited.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var visited = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return visited.WithStatement(WithCheck(visited.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var visited = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return visited.WithStatement(WithCheck(visited.Statement));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return visited.WithStatement(WithCheck(visited.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var visited = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return visited.WithStatement(WithCheck(visited.Statement));
    }

    /// <summary>The body with the check first: inside its braces, or wrapped in new braces on the same lines.</summary>
    private static BlockSyntax WithCheck(StatementSyntax body)
    {
        if (body is BlockSyntax block)
        {
            var open = block.OpenBraceToken;
            // The check goes right after '{', before the line break that usually follows it.
            var check = CheckStatement.WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(open.TrailingTrivia);
            return block.WithOpenBraceToken(open.WithTrailingTrivia())
                .WithStatements(block.Statements.Insert(0, check));
        }
        var leading = body.GetLeadingTrivia();
        var trailing = body.GetTrailingTrivia();
        return SyntaxFactory.Block(
                SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.List([CheckStatement, body.WithLeadingTrivia().WithTrailingTrivia()]),
                SyntaxFactory.Token(SyntaxKind.CloseBraceToken))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(trailing);
    }
}
