namespace TwinLab.Inference.Diagnostics;

/// <summary>A low-confidence flag on one parameter of a posterior.</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Kind"><c>"piled at lower bound"</c>, <c>"piled at upper bound"</c> or <c>"far from prior"</c>.</param>
/// <param name="Detail">The numbers behind the flag.</param>
public sealed record PlausibilityFlag(string Parameter, string Kind, string Detail);

/// <summary>
/// Plausibility checks that flag a fit instead of forcing it: posterior mass piling up within 1 % of the range at a
/// bound of the plausible range (more than 10 % of the draws there), or a posterior mean more than 3 prior standard
/// deviations from the prior mean.
/// </summary>
public static class Plausibility
{
    /// <summary>Checks posterior draws against the prior's bounds and moments.</summary>
    /// <param name="prior">The prior (its support bounds are the plausible range; infinite bounds are not checked).</param>
    /// <param name="samples">The posterior draws.</param>
    /// <returns>The flags; empty when nothing is suspicious.</returns>
    public static IReadOnlyList<PlausibilityFlag> Check(ParameterPrior prior, Sbi.PosteriorSamples samples)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(samples);
        var flags = new List<PlausibilityFlag>();
        var means = samples.Means();
        for (var j = 0; j < prior.Dimension; j++)
        {
            double lower = prior.Lower(j), upper = prior.Upper(j);
            if (double.IsFinite(lower) && double.IsFinite(upper))
            {
                var band = 0.01 * (upper - lower);
                int nearLower = 0, nearUpper = 0;
                for (var n = 0; n < samples.Count; n++)
                {
                    var v = samples.Values[(n * samples.Dimension) + j];
                    nearLower += v <= lower + band ? 1 : 0;
                    nearUpper += v >= upper - band ? 1 : 0;
                }

                if (nearLower > 0.1 * samples.Count)
                {
                    flags.Add(new PlausibilityFlag(prior.Names[j], "piled at lower bound", FormattableString.Invariant($"{100.0 * nearLower / samples.Count:F1} % of draws within 1 % of the range above {lower}")));
                }

                if (nearUpper > 0.1 * samples.Count)
                {
                    flags.Add(new PlausibilityFlag(prior.Names[j], "piled at upper bound", FormattableString.Invariant($"{100.0 * nearUpper / samples.Count:F1} % of draws within 1 % of the range below {upper}")));
                }
            }

            var sd = prior.StandardDeviation(j);
            var shift = Math.Abs(means[j] - prior.Mean(j)) / sd;
            if (double.IsFinite(shift) && shift > 3)
            {
                flags.Add(new PlausibilityFlag(prior.Names[j], "far from prior", FormattableString.Invariant($"posterior mean {means[j]:G4} is {shift:F1} prior sd from the prior mean {prior.Mean(j):G4}")));
            }
        }

        return flags;
    }
}
