using System.Diagnostics.CodeAnalysis;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Engine;

/// <summary>
/// The members every notebook cell can use without qualification: <c>display(x)</c> and <c>CancellationToken</c>.
/// </summary>
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "display(x) is the notebook convention (IPython, .NET Interactive).")]
public class NotebookGlobals
{
    /// <summary>Shows a value as a new output of the running cell.</summary>
    /// <param name="value">The value; formatted by TwinLab's formatter registry (text/plain always, HTML and others where a formatter exists).</param>
    /// <returns>A handle whose <see cref="DisplayHandle.Update"/> replaces the output in place.</returns>
    [SuppressMessage("Naming", "CA1822:Mark members as static", Justification = "Script globals are instance members.")]
    public DisplayHandle display(object? value) => Display.Show(value);

    /// <summary>The running cell's cancellation token: pass it to long-running calls (e.g.
    /// <c>problem.Solve(new Tsit5(), CancellationToken)</c>) so that an interrupt stops them.</summary>
    [SuppressMessage("Naming", "CA1822:Mark members as static", Justification = "Script globals are instance members.")]
    public CancellationToken CancellationToken => CellCancellation.Token;
}
