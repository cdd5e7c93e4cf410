using TwinLab.Core.Randomness;

namespace TwinLab.Core.Tests.Randomness;

public class Philox4x32Tests
{
    // Known-answer vectors from Random123's tests/kat_vectors (https://github.com/DEShawResearch/random123):
    // columns are counter (4 words), key (2 words), expected output (4 words).
    public static TheoryData<int, uint[], uint[], uint[]> KnownAnswers => new()
    {
        { 10, [0x00000000, 0x00000000, 0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
        { 10, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
        { 10, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
        { 7, [0x00000000, 0x00000000, 0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48] },
        { 7, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662] },
        { 7, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Matches_Random123_known_answer_vectors(int rounds, uint[] counter, uint[] key, uint[] expected)
    {
        Philox4x32.GenerateWithRounds(rounds, counter[0], counter[1], counter[2], counter[3], key[0], key[1],
            out uint r0, out uint r1, out uint r2, out uint r3);
        Assert.Equal(expected, new[] { r0, r1, r2, r3 });

        if (rounds == Philox4x32.Rounds)
        {
            Philox4x32.Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1],
                out uint s0, out uint s1, out uint s2, out uint s3);
            Assert.Equal(expected, new[] { s0, s1, s2, s3 });

            var output = new uint[4];
            Philox4x32.Generate(counter, key, output);
            Assert.Equal(expected, output);
        }
    }

    [Fact]
    public void Span_overload_rejects_wrong_lengths()
    {
        var output = new uint[4];
        Assert.Throws<ArgumentException>(() => Philox4x32.Generate(new uint[3], new uint[2], output));
        Assert.Throws<ArgumentException>(() => Philox4x32.Generate(new uint[4], new uint[1], output));
        Assert.Throws<ArgumentException>(() => Philox4x32.Generate(new uint[4], new uint[2], new uint[5]));
    }
}
