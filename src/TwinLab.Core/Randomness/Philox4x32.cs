using System.Runtime.CompilerServices;

namespace TwinLab.Core.Randomness;

/// <summary>
/// The Philox4x32-10 counter-based block function of Salmon, Moraes, Dror and Shaw (2011),
/// "Parallel random numbers: as easy as 1, 2, 3", SC'11, as implemented in the Random123 library.
/// </summary>
/// <remarks>
/// <para>
/// The function maps a 128-bit counter (four 32-bit words) and a 64-bit key (two 32-bit words) to
/// 128 pseudo-random bits (four 32-bit words). It is a bijection of the counter for every key, so
/// distinct counters under one key never produce the same block. Each of the ten rounds is
/// </para>
/// <code>
/// (hi0, lo0) = 0xD2511F53 * c0;  (hi1, lo1) = 0xCD9E8D57 * c2   // 32x32 -> 64-bit products
/// (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
/// </code>
/// <para>
/// and the key is bumped by the Weyl constants (0x9E3779B9, 0xBB67AE85) before every round after
/// the first. Word 0 is the first word of Random123's <c>philox4x32_ctr_t</c>; the outputs match
/// Random123's published known-answer vectors (<c>tests/kat_vectors</c>). The function is static,
/// stateless, allocation-free and thread-safe.
/// </para>
/// </remarks>
public static class Philox4x32
{
    /// <summary>The number of rounds applied by <see cref="Generate(uint, uint, uint, uint, uint, uint, out uint, out uint, out uint, out uint)"/>: 10.</summary>
    public const int Rounds = 10;

    private const uint Multiplier0 = 0xD2511F53;
    private const uint Multiplier1 = 0xCD9E8D57;
    private const uint Weyl0 = 0x9E3779B9;
    private const uint Weyl1 = 0xBB67AE85;

    /// <summary>Computes one Philox4x32-10 block.</summary>
    /// <param name="counter0">Counter word 0.</param>
    /// <param name="counter1">Counter word 1.</param>
    /// <param name="counter2">Counter word 2.</param>
    /// <param name="counter3">Counter word 3.</param>
    /// <param name="key0">Key word 0.</param>
    /// <param name="key1">Key word 1.</param>
    /// <param name="output0">Output word 0.</param>
    /// <param name="output1">Output word 1.</param>
    /// <param name="output2">Output word 2.</param>
    /// <param name="output3">Output word 3.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Generate(
        uint counter0, uint counter1, uint counter2, uint counter3, uint key0, uint key1,
        out uint output0, out uint output1, out uint output2, out uint output3)
    {
        GenerateWithRounds(Rounds, counter0, counter1, counter2, counter3, key0, key1,
            out output0, out output1, out output2, out output3);
    }

    /// <summary>Computes one Philox4x32-10 block from spans.</summary>
    /// <param name="counter">The four counter words (word 0 first).</param>
    /// <param name="key">The two key words (word 0 first).</param>
    /// <param name="output">Receives the four output words.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Generate(ReadOnlySpan<uint> counter, ReadOnlySpan<uint> key, Span<uint> output)
    {
        if (counter.Length != 4)
        {
            throw new ArgumentException($"The Philox4x32 counter has 4 words; {counter.Length} were given.", nameof(counter));
        }

        if (key.Length != 2)
        {
            throw new ArgumentException($"The Philox4x32 key has 2 words; {key.Length} were given.", nameof(key));
        }

        if (output.Length != 4)
        {
            throw new ArgumentException($"The Philox4x32 output has 4 words; a span of length {output.Length} was given.", nameof(output));
        }

        Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1],
            out output[0], out output[1], out output[2], out output[3]);
    }

    /// <summary>Philox4x32 with an arbitrary round count (Random123 also publishes 7-round vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GenerateWithRounds(
        int rounds,
        uint counter0, uint counter1, uint counter2, uint counter3, uint key0, uint key1,
        out uint output0, out uint output1, out uint output2, out uint output3)
    {
        uint c0 = counter0, c1 = counter1, c2 = counter2, c3 = counter3;
        uint k0 = key0, k1 = key1;
        for (int round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                k0 += Weyl0;
                k1 += Weyl1;
            }

            ulong product0 = (ulong)Multiplier0 * c0;
            ulong product1 = (ulong)Multiplier1 * c2;
            uint next0 = (uint)(product1 >> 32) ^ c1 ^ k0;
            uint next1 = (uint)product1;
            uint next2 = (uint)(product0 >> 32) ^ c3 ^ k1;
            uint next3 = (uint)product0;
            c0 = next0;
            c1 = next1;
            c2 = next2;
            c3 = next3;
        }

        output0 = c0;
        output1 = c1;
        output2 = c2;
        output3 = c3;
    }
}
