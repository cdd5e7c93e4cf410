using TwinLab.Tissue.Fields;

namespace TwinLab.Tissue;

/// <summary>Cell counts by phenotype.</summary>
/// <param name="Proliferating">Cycling cells.</param>
/// <param name="Quiescent">Contact-inhibited cells.</param>
/// <param name="Hypoxic">Hypoxic (paused) cells.</param>
/// <param name="Necrotic">Necrotic cells.</param>
/// <param name="Apoptotic">Apoptotic cells.</param>
public sealed record PhenotypeCounts(int Proliferating, int Quiescent, int Hypoxic, int Necrotic, int Apoptotic)
{
    /// <summary>All cells.</summary>
    public int Total => Proliferating + Quiescent + Hypoxic + Necrotic + Apoptotic;

    /// <summary>Living cells (not necrotic, not apoptotic).</summary>
    public int Living => Proliferating + Quiescent + Hypoxic;
}

/// <summary>What a tissue simulation reports every few cell steps (summary statistics for cohorts and inference).</summary>
/// <param name="Time">Simulated time (min).</param>
/// <param name="Step">Cell steps taken.</param>
/// <param name="Counts">Counts by phenotype.</param>
/// <param name="SpheroidRadius">Equivalent radius of all cells (µm): the radius of a ball (disc in 2-D) of their total site volume.</param>
/// <param name="NecroticCoreRadius">Equivalent radius of the necrotic cells (µm).</param>
/// <param name="Oxygen">Oxygen statistics over the domain.</param>
/// <param name="MeanOxygenAtLivingCells">Mean oxygen at living cells (NaN with none).</param>
/// <param name="Drug">Drug statistics over the domain.</param>
public sealed record TissueObservation(double Time, long Step, PhenotypeCounts Counts, double SpheroidRadius,
    double NecroticCoreRadius, FieldStatistics Oxygen, double MeanOxygenAtLivingCells, FieldStatistics Drug);
