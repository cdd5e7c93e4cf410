using FsCheck;
using FsCheck.Fluent;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Tests.Randomness;

public class RandomStreamTests
{
    private const ulong Seed = 20240611;

    [Fact]
    public void Words_follow_the_documented_counter_layout()
    {
        const ulong seed = 0x0123456789ABCDEF;
        const ulong entity = 0xFEDCBA9876543210;
        var stream = RandomStream.For(seed, "cohort.covariates", entity);
        uint purpose = RandomStream.HashPurpose("cohort.covariates");
        Assert.Equal(purpose, stream.PurposeId);

        for (uint block = 0; block < 3; block++)
        {
            Philox4x32.Generate(block, purpose, 0x76543210, 0xFEDCBA98, 0x89ABCDEF, 0x01234567,
                out uint w0, out uint w1, out uint w2, out uint w3);
            Assert.Equal(new[] { w0, w1, w2, w3 }, new[] { stream.NextUInt32(), stream.NextUInt32(), stream.NextUInt32(), stream.NextUInt32() });
        }

        Assert.Equal(12UL, stream.Position);
    }

    [Fact]
    public void Purpose_hash_is_the_first_four_bytes_of_sha256_little_endian()
    {
        // Expected values computed with Python's hashlib: struct.unpack('<I', sha256(s.encode('utf-8')).digest()[:4]).
        Assert.Equal(0x154a8906u, RandomStream.HashPurpose("cohort.covariates"));
        Assert.Equal(0x5087f707u, RandomStream.HashPurpose("ensemble.noise"));
        Assert.Equal(0xb25bdb53u, RandomStream.HashPurpose("é-purpose"));
        Assert.Equal(RandomStream.HashPurpose(new string('x', 1000)), RandomStream.HashPurpose(new string('x', 1000)));
        Assert.Throws<ArgumentException>(() => RandomStream.HashPurpose(""));
        Assert.Throws<ArgumentException>(() => RandomStream.HashPurpose("  "));
        Assert.Throws<ArgumentException>(() => RandomStream.HashPurpose(null!));
    }

    [Fact]
    public void Same_key_gives_identical_sequences_and_forks_agree_with_direct_construction()
    {
        var a = RandomStream.For(Seed, "a", 3);
        var b = new RandomStream(Seed, "a", 3);
        var c = RandomStream.For(Seed, "other", 9).Fork("a", 3);
        var d = RandomStream.For(Seed, RandomStream.HashPurpose("a"), 0).ForEntity(3);
        for (int i = 0; i < 1000; i++)
        {
            ulong expected = a.NextUInt64();
            Assert.Equal(expected, b.NextUInt64());
            Assert.Equal(expected, c.NextUInt64());
            Assert.Equal(expected, d.NextUInt64());
        }
    }

    [Fact]
    public void Streams_for_different_seeds_purposes_or_entities_differ()
    {
        uint[] reference = Draw(RandomStream.For(Seed, "cohort.covariates", 0));
        Assert.NotEqual(reference, Draw(RandomStream.For(Seed + 1, "cohort.covariates", 0)));
        Assert.NotEqual(reference, Draw(RandomStream.For(Seed, "cohort.outcomes", 0)));
        Assert.NotEqual(reference, Draw(RandomStream.For(Seed, "cohort.covariates", 1)));
        Assert.NotEqual(reference, Draw(RandomStream.For(Seed, "cohort.covariates", 1UL << 32)));

        // Different streams never share a block: no 4-word block of entity 0 appears in entities 1..99.
        var blocks = new HashSet<(uint, uint, uint, uint)>();
        for (ulong entity = 0; entity < 100; entity++)
        {
            var stream = RandomStream.For(Seed, "cohort.covariates", entity);
            for (int i = 0; i < 64; i++)
            {
                Assert.True(blocks.Add((stream.NextUInt32(), stream.NextUInt32(), stream.NextUInt32(), stream.NextUInt32())));
            }
        }

        static uint[] Draw(RandomStream stream)
        {
            var words = new uint[16];
            stream.Fill(words);
            return words;
        }
    }

    [Fact]
    public void Parallel_per_entity_draws_are_bitwise_identical_to_sequential_draws()
    {
        const int entities = 2000;
        const int drawsPerEntity = 37; // odd, so the normal cache and block boundaries are exercised
        var sequential = new double[entities * drawsPerEntity];
        for (int e = 0; e < entities; e++)
        {
            FillEntity(e, sequential.AsSpan(e * drawsPerEntity, drawsPerEntity));
        }

        // Visit the entities in a shuffled order on four threads.
        int[] order = Enumerable.Range(0, entities).ToArray();
        new Random(12345).Shuffle(order);
        var parallel = new double[entities * drawsPerEntity];
        Parallel.For(0, entities, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int e = order[i];
            FillEntity(e, parallel.AsSpan(e * drawsPerEntity, drawsPerEntity));
        });

        for (int i = 0; i < sequential.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(sequential[i]), BitConverter.DoubleToInt64Bits(parallel[i]));
        }

        static void FillEntity(int entity, Span<double> destination)
        {
            var stream = RandomStream.For(Seed, "ensemble.noise", (ulong)entity);
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (i % 3) switch
                {
                    0 => stream.NextDouble(),
                    1 => stream.NextNormal(),
                    _ => stream.NextNormal(1.0, 2.0),
                };
            }
        }
    }

    [Fact]
    public void Uniform_draws_lie_in_the_open_unit_interval_with_the_right_moments()
    {
        const int n = 200_000;
        var stream = RandomStream.For(Seed, "uniform.test");
        var values = new double[n];
        stream.Fill(values);
        double sum = 0, sumSquares = 0;
        foreach (double u in values)
        {
            Assert.True(u > 0.0 && u < 1.0);
            sum += u;
            sumSquares += u * u;
        }

        double mean = sum / n;
        double variance = (sumSquares / n) - (mean * mean);

        // Mean: sd of U is 1/√12, so 5 standard errors is 5/√(12n). Variance: Var(U²-based estimator) ≈ (μ4 − σ⁴)/n
        // with μ4 = 1/80 and σ⁴ = 1/144 for U(0, 1).
        Assert.InRange(mean, 0.5 - (5 / Math.Sqrt(12.0 * n)), 0.5 + (5 / Math.Sqrt(12.0 * n)));
        double varianceError = 5 * Math.Sqrt(((1.0 / 80) - (1.0 / 144)) / n);
        Assert.InRange(variance, (1.0 / 12) - varianceError, (1.0 / 12) + varianceError);

        // Kolmogorov–Smirnov against F(u) = u at the 0.1 % level.
        Array.Sort(values);
        double ks = 0;
        for (int i = 0; i < n; i++)
        {
            ks = Math.Max(ks, Math.Max(((i + 1.0) / n) - values[i], values[i] - ((double)i / n)));
        }

        Assert.True(ks < 1.95 / Math.Sqrt(n), $"KS statistic {ks}");
    }

    [Fact]
    public void Normal_draws_have_standard_moments_and_fill_matches_single_draws()
    {
        const int n = 200_000;
        var single = RandomStream.For(Seed, "normal.test");
        var bulk = single;
        var values = new double[n];
        bulk.FillNormal(values);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(single.NextNormal()), BitConverter.DoubleToInt64Bits(values[i]));
            sum += values[i];
            sumSquares += values[i] * values[i];
        }

        double mean = sum / n;
        double variance = (sumSquares / n) - (mean * mean);
        Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));

        // For a normal, Var(s²) ≈ (μ4 − σ⁴)/n = 2/n.
        Assert.InRange(variance, 1 - (5 * Math.Sqrt(2.0 / n)), 1 + (5 * Math.Sqrt(2.0 / n)));
    }

    [Fact]
    public void Bounded_integers_are_in_range_and_roughly_uniform()
    {
        var stream = RandomStream.For(Seed, "bounded");
        var counts = new int[7];
        const int n = 70_000;
        for (int i = 0; i < n; i++)
        {
            counts[stream.NextUInt32(7)]++;
        }

        // Each count is Binomial(n, 1/7): sd = √(n·(1/7)·(6/7)) ≈ 66; allow 5 sd.
        foreach (int count in counts)
        {
            Assert.InRange(count, 10_000 - 331, 10_000 + 331);
        }

        Assert.Equal(0u, stream.NextUInt32(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomStream.For(Seed, "bounded").NextUInt32(0));
    }

    [Fact]
    public void Skip_jumps_to_the_same_words_as_drawing()
    {
        Prop.ForAll(
            Gen.Choose(0, 1000).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (int skip, int entity) =>
            {
                var drawn = RandomStream.For(Seed, "skip", (ulong)entity);
                for (int i = 0; i < skip; i++)
                {
                    drawn.NextUInt32();
                }

                var jumped = RandomStream.For(Seed, "skip", (ulong)entity);
                jumped.Skip((ulong)skip);
                return jumped.Position == drawn.Position
                    && jumped.NextUInt64() == drawn.NextUInt64()
                    && jumped.NextUInt32() == drawn.NextUInt32();
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NextUInt64_and_NextDouble_are_built_from_consecutive_words()
    {
        var words = RandomStream.For(Seed, "compose", 5);
        var composite = words;
        uint low = words.NextUInt32();
        uint high = words.NextUInt32();
        Assert.Equal(low | ((ulong)high << 32), composite.NextUInt64());

        var doubles = RandomStream.For(Seed, "compose", 6);
        var bits = doubles;
        Assert.Equal((bits.NextUInt64() >> 11) * Math.Pow(2, -53), doubles.NextDouble());
    }

    [Fact]
    public void Exhausting_the_counter_space_throws_instead_of_wrapping()
    {
        var stream = RandomStream.For(Seed, "capacity");
        stream.Skip(RandomStream.Capacity - 2);
        stream.NextUInt32();
        stream.NextUInt32();
        Assert.Equal(RandomStream.Capacity, stream.Position);
        try
        {
            stream.NextUInt32();
            Assert.Fail("Expected InvalidOperationException.");
        }
        catch (InvalidOperationException exception)
        {
            Assert.Contains("fork another stream", exception.Message, StringComparison.Ordinal);
        }

        var other = RandomStream.For(Seed, "capacity");
        other.Skip(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => other.Skip(RandomStream.Capacity));
    }

    [Fact]
    public void Normal_with_mean_and_sd_validates_and_to_string_describes_the_key()
    {
        var stream = RandomStream.For(42, 7u, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.NextNormal(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.NextNormal(0, double.NaN));
        Assert.Equal("RandomStream(seed=42, purpose=0x00000007, entity=3, position=0)", stream.ToString());
    }
}
