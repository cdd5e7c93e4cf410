using System.CommandLine;
using System.CommandLine.Parsing;

namespace TwinLab.Cli;

/// <summary>
/// Writes the errors of a command line that did not parse to standard error, in the form
/// <c>twinlab: &lt;message&gt;</c>, with a "did you mean" hint for misspelt commands and options and a pointer to the
/// relevant help. Standard output stays empty so that scripts piping it see nothing.
/// </summary>
internal static class ParseErrorReport
{
    private const int MaximumSuggestionDistance = 2;

    /// <summary>Writes the report.</summary>
    /// <param name="parseResult">A parse result with at least one error.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="writeHelp">Writes the help of the given command path (without the program name) to a writer.</param>
    public static void Write(ParseResult parseResult, TextWriter error, Action<IReadOnlyList<string>, TextWriter> writeHelp)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(writeHelp);

        foreach (var parseError in parseResult.Errors)
        {
            error.WriteLine($"{TwinLabCli.ProgramName}: {parseError.Message}");
        }

        var command = parseResult.CommandResult.Command;
        foreach (var token in parseResult.UnmatchedTokens)
        {
            var suggestion = Suggest(token, command);
            if (suggestion is not null)
            {
                error.WriteLine($"Did you mean '{suggestion}'?");
            }
        }

        var path = CommandPath(parseResult.CommandResult);
        if (command.Action is null && command.Subcommands.Count > 0 && parseResult.UnmatchedTokens.Count == 0)
        {
            // A command that only groups sub-commands was given without one: show what it offers.
            error.WriteLine();
            writeHelp(path, error);
            return;
        }

        var helpCommand = string.Join(' ', [TwinLabCli.ProgramName, .. path, "--help"]);
        error.WriteLine($"Run '{helpCommand}' for usage.");
    }

    /// <summary>The names of the commands from below the root down to <paramref name="result"/>.</summary>
    private static List<string> CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult { Parent: not null } commandResult; current = current.Parent)
        {
            names.Insert(0, commandResult.Command.Name);
        }

        return names;
    }

    /// <summary>
    /// The sub-command or option of <paramref name="command"/> closest to <paramref name="token"/>, if it is within two
    /// edits and the edits change less than half of it.
    /// </summary>
    private static string? Suggest(string token, Command command)
    {
        var candidates = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
        string? best = null;
        var bestDistance = MaximumSuggestionDistance + 1;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(token, candidate);
            if (distance < bestDistance && 2 * distance < candidate.Length)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>The Levenshtein distance between two strings (insertions, deletions and substitutions cost one).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
