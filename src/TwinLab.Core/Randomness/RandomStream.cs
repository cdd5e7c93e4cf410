using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace TwinLab.Core.Randomness;

/// <summary>
/// A reproducible, counter-based stream of random numbers keyed by <c>(seed, purpose, entity)</c> and
/// generated with the <see cref="Philox4x32"/> block function.
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> Every 32-bit word of the stream is a pure function of
/// <c>(seed, purpose, entity, position)</c>. Word number <c>position</c> is word <c>position mod 4</c> of the
/// Philox4x32-10 block with</para>
/// <list type="bullet">
/// <item><description>key = (seed bits 0–31, seed bits 32–63);</description></item>
/// <item><description>counter word 0 = block index = <c>position / 4</c> (32 bits, so a stream holds
/// 2<sup>34</sup> words, see <see cref="Capacity"/>);</description></item>
/// <item><description>counter word 1 = the purpose id: the first four bytes (little-endian) of the SHA-256 digest
/// of the purpose string's UTF-8 bytes (<see cref="HashPurpose(string)"/>), or a caller-chosen 32-bit id;</description></item>
/// <item><description>counter words 2 and 3 = entity index bits 0–31 and 32–63.</description></item>
/// </list>
/// <para>Because Philox is a bijection of the counter for a fixed key, two streams with the same seed but a
/// different (purpose id, entity) pair never share a counter, hence never share a block. Two purpose strings
/// share an id with probability 2<sup>−32</sup> per pair (about k²/2<sup>33</sup> for k purposes);
/// <see cref="HashPurpose(string)"/> lets a registry check its purposes for collisions.</para>
/// <para><b>Reproducibility.</b> The draws of a stream depend only on <c>(seed, purpose, entity)</c> and on the
/// sequence of calls made on that stream, never on threads, timing, batch sizes or other streams, so work split
/// by entity is bitwise identical whatever the thread count or order of execution. Integer and uniform draws are
/// bitwise identical on every platform; normal draws call <see cref="Math.Log(double)"/> and
/// <see cref="Math.SinCos(double)"/>, which are identical on one platform and runtime but may differ in the last
/// bit across C runtimes.</para>
/// <para><b>Value semantics.</b> This is a mutable struct: copying it copies its position, and the copy then
/// repeats the original's draws. Pass it by <see langword="ref"/> to methods that draw from it. The default value
/// is the stream with seed 0, purpose id 0 and entity 0.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "\"Random stream\" is the established term for a counter-based generator keyed by purpose; it is not a System.IO.Stream.")]
public struct RandomStream
{
    /// <summary>The number of 32-bit words a single stream can produce: 2<sup>34</sup> (2<sup>32</sup> blocks of four words).</summary>
    public const ulong Capacity = 1UL << 34;

    private const double TwoPi = 2.0 * Math.PI;
    private const double Epsilon53 = 1.0 / 9007199254740992.0; // 2^-53

    private readonly ulong _seed;
    private readonly ulong _entity;
    private readonly uint _purposeId;
    private ulong _position;
    private ulong _bufferTag; // block index + 1 of the block held in _buffer; 0 when none is held
    private Block _buffer;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Creates the stream for <paramref name="seed"/>, <paramref name="purpose"/> and <paramref name="entity"/>, positioned at its start.</summary>
    /// <param name="seed">The experiment's seed (becomes the Philox key).</param>
    /// <param name="purpose">What the draws are for, e.g. <c>"cohort.covariates"</c>; hashed with <see cref="HashPurpose(string)"/>.</param>
    /// <param name="entity">The index of the entity (patient, replicate, cell, ...) the draws belong to.</param>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is null, empty or white space.</exception>
    public RandomStream(ulong seed, string purpose, ulong entity)
        : this(seed, HashPurpose(purpose), entity)
    {
    }

    /// <summary>Creates the stream for <paramref name="seed"/>, a numeric purpose id and <paramref name="entity"/>, positioned at its start.</summary>
    /// <param name="seed">The experiment's seed (becomes the Philox key).</param>
    /// <param name="purposeId">A 32-bit purpose id (counter word 1); use <see cref="HashPurpose(string)"/> to derive one from a name.</param>
    /// <param name="entity">The index of the entity the draws belong to.</param>
    public RandomStream(ulong seed, uint purposeId, ulong entity)
    {
        _seed = seed;
        _purposeId = purposeId;
        _entity = entity;
        _position = 0;
        _bufferTag = 0;
        _buffer = default;
        _spareNormal = 0;
        _hasSpareNormal = false;
    }

    /// <summary>The seed (the Philox key).</summary>
    public readonly ulong Seed => _seed;

    /// <summary>The 32-bit purpose id (counter word 1).</summary>
    public readonly uint PurposeId => _purposeId;

    /// <summary>The entity index (counter words 2 and 3).</summary>
    public readonly ulong Entity => _entity;

    /// <summary>The number of 32-bit words consumed so far (the index of the next word).</summary>
    public readonly ulong Position => _position;

    /// <summary>Creates the stream for <paramref name="seed"/>, <paramref name="purpose"/> and <paramref name="entity"/>.</summary>
    /// <param name="seed">The experiment's seed.</param>
    /// <param name="purpose">What the draws are for, e.g. <c>"cohort.covariates"</c>.</param>
    /// <param name="entity">The entity index; 0 for draws that belong to no particular entity.</param>
    /// <returns>The stream, positioned at its start.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is null, empty or white space.</exception>
    public static RandomStream For(ulong seed, string purpose, ulong entity = 0) => new(seed, purpose, entity);

    /// <summary>Creates the stream for <paramref name="seed"/>, a numeric purpose id and <paramref name="entity"/>.</summary>
    /// <param name="seed">The experiment's seed.</param>
    /// <param name="purposeId">The 32-bit purpose id.</param>
    /// <param name="entity">The entity index.</param>
    /// <returns>The stream, positioned at its start.</returns>
    public static RandomStream For(ulong seed, uint purposeId, ulong entity = 0) => new(seed, purposeId, entity);

    /// <summary>
    /// The 32-bit purpose id of a purpose name: the first four bytes, read little-endian, of the SHA-256 digest of
    /// the name's UTF-8 encoding. Stable across runs, processes and platforms (unlike <see cref="string.GetHashCode()"/>).
    /// </summary>
    /// <param name="purpose">The purpose name, e.g. <c>"cohort.covariates"</c>.</param>
    /// <returns>The purpose id.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is null, empty or white space.</exception>
    public static uint HashPurpose(string purpose)
    {
        if (string.IsNullOrWhiteSpace(purpose))
        {
            throw new ArgumentException(
                "A random-stream purpose must name what the draws are for, e.g. \"cohort.covariates\"; it was null, empty or white space.",
                nameof(purpose));
        }

        int maxBytes = Encoding.UTF8.GetMaxByteCount(purpose.Length);
        byte[]? rented = null;
        Span<byte> utf8 = maxBytes <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int length = Encoding.UTF8.GetBytes(purpose, utf8);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], digest);
            return BinaryPrimitives.ReadUInt32LittleEndian(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The stream with the same seed and a new purpose and entity, positioned at its start.</summary>
    /// <param name="purpose">The new purpose.</param>
    /// <param name="entity">The new entity index.</param>
    /// <returns>The new stream; this stream is unchanged.</returns>
    public readonly RandomStream Fork(string purpose, ulong entity) => new(_seed, purpose, entity);

    /// <summary>The stream with the same seed and purpose and another entity, positioned at its start (no hashing).</summary>
    /// <param name="entity">The entity index.</param>
    /// <returns>The new stream; this stream is unchanged.</returns>
    public readonly RandomStream ForEntity(ulong entity) => new(_seed, _purposeId, entity);

    /// <summary>
    /// Advances the stream by <paramref name="words"/> 32-bit words in constant time, discarding any cached
    /// normal deviate. <see cref="NextUInt32()"/> consumes one word, <see cref="NextUInt64"/> two and
    /// <see cref="NextDouble"/> two (four with probability 2<sup>−53</sup>).
    /// </summary>
    /// <param name="words">The number of words to skip.</param>
    /// <exception cref="ArgumentOutOfRangeException">The new position would exceed <see cref="Capacity"/>.</exception>
    public void Skip(ulong words)
    {
        if (words > Capacity - _position)
        {
            throw new ArgumentOutOfRangeException(
                nameof(words),
                words,
                string.Create(CultureInfo.InvariantCulture, $"Skipping {words} words from position {_position} passes the stream's capacity of {Capacity} words; fork another stream (a new purpose or entity) instead."));
        }

        _position += words;
        _hasSpareNormal = false;
    }

    /// <summary>The next 32 random bits.</summary>
    /// <returns>A uniformly distributed 32-bit integer.</returns>
    /// <exception cref="InvalidOperationException">The stream has produced <see cref="Capacity"/> words.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        ulong position = _position;
        ulong block = position >> 2;
        if (block + 1 != _bufferTag)
        {
            Refill(block);
        }

        _position = position + 1;
        return _buffer[(int)(position & 3)];
    }

    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="maxExclusive">The exclusive upper bound; at least 1.</param>
    /// <returns>The integer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is 0.</exception>
    public uint NextUInt32(uint maxExclusive)
    {
        if (maxExclusive == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The exclusive upper bound must be at least 1.");
        }

        ulong product = (ulong)NextUInt32() * maxExclusive;
        uint low = (uint)product;
        if (low < maxExclusive)
        {
            uint threshold = unchecked(0u - maxExclusive) % maxExclusive;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * maxExclusive;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>The next 64 random bits: the first word drawn is the low half, the second the high half.</summary>
    /// <returns>A uniformly distributed 64-bit integer.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong low = NextUInt32();
        ulong high = NextUInt32();
        return low | (high << 32);
    }

    /// <summary>
    /// A uniform deviate in the open interval (0, 1) with 53-bit resolution: <c>k·2<sup>−53</sup></c> with
    /// <c>k</c> the top 53 bits of <see cref="NextUInt64"/>, redrawn in the (probability 2<sup>−53</sup>) case
    /// <c>k = 0</c>. Never 0 or 1, so <c>Math.Log(u)</c> and <c>Math.Log(1 - u)</c> are finite.
    /// </summary>
    /// <returns>The deviate.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble()
    {
        while (true)
        {
            ulong bits = NextUInt64() >> 11;
            if (bits != 0)
            {
                return bits * Epsilon53;
            }
        }
    }

    /// <summary>
    /// A standard normal deviate by the Box–Muller transform: each pair of uniforms (u1, u2) gives
    /// <c>r·cos(2πu2)</c>, returned now, and <c>r·sin(2πu2)</c>, cached and returned by the next call,
    /// with <c>r = √(−2 ln u1)</c>.
    /// </summary>
    /// <returns>The deviate.</returns>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }

        double u1 = NextDouble();
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(TwoPi * u2);
        _spareNormal = radius * sin;
        _hasSpareNormal = true;
        return radius * cos;
    }

    /// <summary>A normal deviate with the given mean and standard deviation: <c>mean + sd·</c><see cref="NextNormal()"/>.</summary>
    /// <param name="mean">The mean.</param>
    /// <param name="standardDeviation">The standard deviation; finite and non-negative.</param>
    /// <returns>The deviate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviation"/> is negative, infinite or NaN.</exception>
    public double NextNormal(double mean, double standardDeviation)
    {
        if (!(standardDeviation >= 0) || double.IsPositiveInfinity(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and non-negative.");
        }

        return mean + (standardDeviation * NextNormal());
    }

    /// <summary>Fills <paramref name="destination"/> with uniform deviates in (0, 1); identical to calling <see cref="NextDouble"/> once per element.</summary>
    /// <param name="destination">The span to fill.</param>
    public void Fill(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextDouble();
        }
    }

    /// <summary>Fills <paramref name="destination"/> with random 32-bit words; identical to calling <see cref="NextUInt32()"/> once per element.</summary>
    /// <param name="destination">The span to fill.</param>
    public void Fill(Span<uint> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextUInt32();
        }
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal deviates; identical to calling <see cref="NextNormal()"/> once per element.</summary>
    /// <param name="destination">The span to fill.</param>
    public void FillNormal(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextNormal();
        }
    }

    /// <summary>Describes the stream's key, counter layout and position.</summary>
    /// <returns>A string such as <c>RandomStream(seed=42, purpose=0x1A2B3C4D, entity=7, position=12)</c>.</returns>
    public override readonly string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RandomStream(seed={_seed}, purpose=0x{_purposeId:X8}, entity={_entity}, position={_position})");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(ulong block)
    {
        if (block > uint.MaxValue)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{this} has produced all {Capacity} words of its counter space; fork another stream (a new purpose or entity) for more draws."));
        }

        Philox4x32.Generate(
            (uint)block, _purposeId, (uint)_entity, (uint)(_entity >> 32), (uint)_seed, (uint)(_seed >> 32),
            out _buffer[0], out _buffer[1], out _buffer[2], out _buffer[3]);
        _bufferTag = block + 1;
    }

    [InlineArray(4)]
    private struct Block
    {
        private uint _word;
    }
}
