namespace TwinLab.Notebooks.Engine;

/// <summary>
/// Cooperative interruption of notebook cells. The engine inserts <see cref="ThrowIfInterrupted"/> at the top of every
/// loop body of a cell, and cells can pass <see cref="Token"/> (the <c>CancellationToken</c> global) to TwinLab's
/// long-running APIs such as <c>OdeProblem.Solve</c>, so that an interrupt stops the cell without stopping the kernel.
/// </summary>
public static class CellCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();
    private static volatile int s_pending;

    /// <summary>The running cell's cancellation token (<see cref="CancellationToken.None"/> outside cells).</summary>
    public static CancellationToken Token => Current.Value;

    /// <summary>Throws <see cref="OperationCanceledException"/> when the running cell was interrupted; costs one read of
    /// a static field otherwise.</summary>
    public static void ThrowIfInterrupted()
    {
        if (s_pending != 0)
        {
            Current.Value.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Makes <paramref name="token"/> the token of this logical thread (the cell and what it starts).</summary>
    internal static void Use(CancellationToken token) => Current.Value = token;

    /// <summary>Counts an interrupt that is pending until the interrupted cell ends.</summary>
    internal static void AddPending() => Interlocked.Increment(ref s_pending);

    /// <summary>Ends a pending interrupt.</summary>
    internal static void RemovePending() => Interlocked.Decrement(ref s_pending);
}
