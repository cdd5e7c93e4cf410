namespace TwinLab.Tissue;

/// <summary>Summary statistics of a tissue run, named, for cohorts and simulation-based inference.</summary>
/// <param name="Names">The statistic names (see <see cref="TissueSimulator.StatisticNames"/>).</param>
/// <param name="Values">The values, in the order of <paramref name="Names"/>.</param>
public sealed record TissueSummary(IReadOnlyList<string> Names, IReadOnlyList<double> Values)
{
    /// <summary>The value of a statistic by name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The value.</returns>
    public double this[string name]
    {
        get
        {
            int index = Names.ToList().IndexOf(name);
            return index >= 0 ? Values[index] : throw new KeyNotFoundException($"'{name}' is not a tissue summary statistic; known: {string.Join(", ", Names)}.");
        }
    }
}

/// <summary>
/// The virtual tissue as a simulator like any other: rule parameters in (by name, as in <see cref="TissueRules.Catalogue"/>),
/// summary statistics out, reproducible for a seed. Each call builds a fresh tissue from a template setup, seeds a
/// spheroid, equilibrates oxygen and runs for the given time.
/// </summary>
public static class TissueSimulator
{
    /// <summary>The statistics returned, in order: living, proliferating, hypoxic, necrotic and apoptotic cells at the
    /// end; spheroid and necrotic-core radii (µm); mean oxygen at living cells (mmHg); and the mean specific growth
    /// rate ln(N_end/N_start)/duration (1/day).</summary>
    public static IReadOnlyList<string> StatisticNames { get; } =
        ["living", "proliferating", "hypoxic", "necrotic", "apoptotic", "spheroid_radius", "necrotic_core_radius", "mean_oxygen_living", "growth_rate_per_day"];

    /// <summary>Runs one tissue and returns its summary statistics.</summary>
    /// <param name="template">The setup; its rules are replaced by <paramref name="parameters"/> on top of the nominal values, its seed by <paramref name="seed"/>.</param>
    /// <param name="parameters">Rule parameter values by catalogue name.</param>
    /// <param name="seedRadius">The initial spheroid radius in sites.</param>
    /// <param name="minutes">How long to run (a whole number of cell steps).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The summary.</returns>
    public static TissueSummary Simulate(TissueSetup template, IReadOnlyDictionary<string, double> parameters, double seedRadius, double minutes, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(template);
        var tissue = new TissueSimulation(template with { Rules = new TissueRules(parameters), Seed = seed });
        int start = tissue.SeedSpheroid(seedRadius);
        if (start == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seedRadius), seedRadius, "The seed radius places no cell: use a radius of at least 0.5 sites.");
        }
        tissue.EquilibrateOxygen();
        tissue.Run(minutes);
        var end = tissue.Observe();
        double growth = end.Counts.Total > 0 && minutes > 0 ? Math.Log((double)end.Counts.Total / start) / (minutes / 1440) : double.NaN;
        return new TissueSummary(StatisticNames,
        [
            end.Counts.Living, end.Counts.Proliferating, end.Counts.Hypoxic, end.Counts.Necrotic, end.Counts.Apoptotic,
            end.SpheroidRadius, end.NecroticCoreRadius, end.MeanOxygenAtLivingCells, growth,
        ]);
    }
}
