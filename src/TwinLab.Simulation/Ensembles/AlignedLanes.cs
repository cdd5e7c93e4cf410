using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TwinLab.Simulation.Ensembles;

/// <summary>
/// An array of lane values that starts on a 64-byte boundary (a cache line); slices of it share its memory. .NET aligns
/// arrays to 8 bytes only, so a 64-byte vector in an ordinary array straddles two cache lines and every load or store of
/// it is split in two. The memory is pinned, so the alignment holds for the array's lifetime.
/// </summary>
/// <typeparam name="TL">The lane type.</typeparam>
internal sealed class AlignedLanes<TL>
    where TL : struct
{
    private const int Alignment = 64;
    private readonly byte[] _bytes;
    private readonly int _offset;

    /// <summary>An array of <paramref name="length"/> zero lane values.</summary>
    public AlignedLanes(int length)
    {
        Length = length;
        _bytes = GC.AllocateArray<byte>((length * Unsafe.SizeOf<TL>()) + Alignment, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_bytes, 0);
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1));
    }

    private AlignedLanes(byte[] bytes, int offset, int length)
    {
        _bytes = bytes;
        _offset = offset;
        Length = length;
    }

    /// <summary>Values <paramref name="start"/> .. <paramref name="start"/> + <paramref name="length"/> − 1 as
    /// aligned lanes of their own, sharing this memory.</summary>
    public AlignedLanes<TL> Slice(int start, int length) => new(_bytes, _offset + (start * Unsafe.SizeOf<TL>()), length);

    /// <summary>The number of lane values.</summary>
    public int Length { get; }

    /// <summary>The address of the first value (a multiple of 64).</summary>
    public nint Address => Marshal.UnsafeAddrOfPinnedArrayElement(_bytes, _offset);

    /// <summary>The values.</summary>
    public Span<TL> Span => MemoryMarshal.CreateSpan(ref Unsafe.As<byte, TL>(ref _bytes[_offset]), Length);

    /// <summary>Value <paramref name="index"/>.</summary>
    public ref TL this[int index] => ref Span[index];

    /// <summary>Values <paramref name="start"/> .. <paramref name="start"/> + <paramref name="length"/> − 1.</summary>
    public Span<TL> AsSpan(int start, int length) => Span.Slice(start, length);

    public static implicit operator Span<TL>(AlignedLanes<TL> lanes) => lanes.Span;

    public static implicit operator ReadOnlySpan<TL>(AlignedLanes<TL> lanes) => lanes.Span;
}
