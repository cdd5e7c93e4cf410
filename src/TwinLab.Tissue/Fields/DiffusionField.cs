using System.Globalization;

namespace TwinLab.Tissue.Fields;

/// <summary>What a field does at the faces of its lattice.</summary>
/// <param name="IsDirichlet">True: a ghost voxel one spacing outside each face is held at <paramref name="Value"/>
/// (far field). False: zero flux through the faces (a closed domain).</param>
/// <param name="Value">The far-field concentration when <paramref name="IsDirichlet"/>; ignored otherwise.</param>
public readonly record struct FaceBoundary(bool IsDirichlet, double Value)
{
    /// <summary>Zero flux through every face.</summary>
    public static FaceBoundary Closed => new(false, 0);

    /// <summary>Faces held at a far-field concentration.</summary>
    /// <param name="value">The far-field concentration (finite, not negative).</param>
    /// <returns>The boundary.</returns>
    public static FaceBoundary Dirichlet(double value)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A far-field concentration must be finite and not negative.");
        }
        return new(true, value);
    }
}

/// <summary>Summary statistics of a field over its voxels.</summary>
/// <param name="Minimum">The smallest value.</param>
/// <param name="Mean">The mean over voxels.</param>
/// <param name="Maximum">The largest value.</param>
/// <param name="Total">The integral: sum of values × voxel measure (µm³, or µm² in 2-D).</param>
public sealed record FieldStatistics(double Minimum, double Mean, double Maximum, double Total);

/// <summary>
/// A diffusing substance (oxygen, a drug) on a lattice: concentrations per voxel, a diffusion coefficient, a
/// first-order decay rate, a face boundary, and optional Dirichlet voxels (vessels, or the outside of a test sphere)
/// whose concentration is held fixed. Mutable state advanced by <see cref="DiffusionSolver"/>.
/// </summary>
public sealed class DiffusionField
{
    private readonly double[] _values;
    private readonly byte[] _held;
    private double[]? _scratch;
    private double[]? _siteScratch;
    private double[]? _reactionScratch;

    /// <summary>Creates a field at concentration 0 everywhere.</summary>
    /// <param name="name">The substance, e.g. <c>oxygen</c>.</param>
    /// <param name="unit">The concentration unit, e.g. <c>mmHg</c>.</param>
    /// <param name="lattice">The lattice.</param>
    /// <param name="diffusionCoefficient">D in µm²/min (positive, finite).</param>
    /// <param name="decayRate">λ in 1/min (finite, not negative).</param>
    /// <param name="faces">The face boundary.</param>
    public DiffusionField(string name, string unit, Lattice lattice, double diffusionCoefficient, double decayRate, FaceBoundary faces)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        ArgumentNullException.ThrowIfNull(lattice);
        if (!(diffusionCoefficient > 0) || !double.IsFinite(diffusionCoefficient))
        {
            throw new ArgumentOutOfRangeException(nameof(diffusionCoefficient), diffusionCoefficient, $"The diffusion coefficient of '{name}' must be a positive, finite number of µm²/min.");
        }
        if (!(decayRate >= 0) || !double.IsFinite(decayRate))
        {
            throw new ArgumentOutOfRangeException(nameof(decayRate), decayRate, $"The decay rate of '{name}' must be finite and not negative (1/min).");
        }
        Name = name;
        Unit = unit;
        Lattice = lattice;
        DiffusionCoefficient = diffusionCoefficient;
        DecayRate = decayRate;
        Faces = faces;
        _values = new double[lattice.VoxelCount];
        _held = new byte[lattice.VoxelCount];
    }

    /// <summary>The substance.</summary>
    public string Name { get; }

    /// <summary>The concentration unit.</summary>
    public string Unit { get; }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>D in µm²/min.</summary>
    public double DiffusionCoefficient { get; }

    /// <summary>λ in 1/min.</summary>
    public double DecayRate { get; }

    /// <summary>The face boundary; may change between steps (e.g. a drug infusion switched on and off).</summary>
    public FaceBoundary Faces { get; set; }

    /// <summary>The number of voxels held at a fixed value.</summary>
    public int HeldCount { get; private set; }

    /// <summary>The concentrations, one per voxel in lattice order (writable: set initial conditions here).</summary>
    public Span<double> Concentrations => _values;

    internal double[] Values => _values;

    internal byte[] HeldMask => _held;

    internal double[] Scratch => _scratch ??= new double[_values.Length];

    /// <summary>Changes whenever a voxel becomes held, so cached solver data built on the held mask can be rebuilt.</summary>
    internal int HeldVersion { get; private set; }

    /// <summary>The multigrid hierarchy of this field's lattice, cached between solves.</summary>
    internal MultigridHierarchy? Multigrid { get; set; }

    /// <summary>A reusable per-site buffer (the implicit reaction factors), so a step allocates nothing per voxel or site.</summary>
    internal double[] SiteScratch(int length)
    {
        if (_siteScratch is null || _siteScratch.Length != length)
        {
            _siteScratch = new double[length];
        }
        return _siteScratch;
    }

    /// <summary>A reusable buffer for the implicit reaction factors expanded along x (one row per row of sites).</summary>
    internal double[] ReactionScratch(int length)
    {
        if (_reactionScratch is null || _reactionScratch.Length != length)
        {
            _reactionScratch = new double[length];
        }
        return _reactionScratch;
    }

    /// <summary>The concentration at voxel (x, y, z).</summary>
    /// <param name="x">The x index.</param>
    /// <param name="y">The y index.</param>
    /// <param name="z">The z index.</param>
    /// <returns>The concentration.</returns>
    public double this[int x, int y, int z] => _values[Lattice.Index(x, y, z)];

    /// <summary>Sets every voxel, held ones included, to <paramref name="value"/>.</summary>
    /// <param name="value">The concentration.</param>
    public void Fill(double value) => Array.Fill(_values, value);

    /// <summary>Holds voxel <paramref name="index"/> at <paramref name="value"/> (a Dirichlet voxel, e.g. a vessel).</summary>
    /// <param name="index">The flat voxel index.</param>
    /// <param name="value">The held concentration.</param>
    public void Hold(int index, double value)
    {
        if ((uint)index >= (uint)_values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Voxel {index} is outside the lattice of {_values.Length} voxels.");
        }
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A held concentration must be finite.");
        }
        if (_held[index] == 0)
        {
            _held[index] = 1;
            HeldCount++;
            HeldVersion++;
        }
        _values[index] = value;
    }

    /// <summary>Whether voxel <paramref name="index"/> is held fixed.</summary>
    /// <param name="index">The flat voxel index.</param>
    /// <returns>True when held.</returns>
    public bool IsHeld(int index) => _held[index] != 0;

    /// <summary>Sets every held voxel to <paramref name="value"/> (e.g. the plasma concentration in vessels).</summary>
    /// <param name="value">The concentration.</param>
    public void SetHeldValues(double value)
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (_held[i] != 0)
            {
                _values[i] = value;
            }
        }
    }

    /// <summary>Minimum, mean, maximum and integral over all voxels (summed in lattice order, so reproducible).</summary>
    /// <returns>The statistics.</returns>
    public FieldStatistics Statistics()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (double v in _values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }
        return new FieldStatistics(min, sum / _values.Length, max, sum * Lattice.VoxelMeasure);
    }

    /// <summary>The plane z = <paramref name="z"/> as a [y, x] array, for plots.</summary>
    /// <param name="z">The z index (0 in 2-D).</param>
    /// <returns>A new array with rows y and columns x.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1814:Prefer jagged arrays over multidimensional", Justification = "A slice is a rectangular image.")]
    public double[,] Slice(int z)
    {
        if ((uint)z >= (uint)Lattice.SizeZ)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, string.Create(CultureInfo.InvariantCulture, $"The slice index must lie in [0, {Lattice.SizeZ - 1}]."));
        }
        var slice = new double[Lattice.SizeY, Lattice.SizeX];
        for (int y = 0; y < Lattice.SizeY; y++)
        {
            for (int x = 0; x < Lattice.SizeX; x++)
            {
                slice[y, x] = _values[Lattice.Index(x, y, z)];
            }
        }
        return slice;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} [{Unit}] on {Lattice}, D = {DiffusionCoefficient} µm²/min, λ = {DecayRate}/min");
}

/// <summary>
/// Per-site rates on a lattice coarser than a field's by an integer factor per axis (cells occupy sites; each site
/// covers factor<sup>d</sup> field voxels). Used for first-order uptake (1/min) and zero-order consumption
/// (concentration/min). With factor 1 the rates are per field voxel.
/// </summary>
public sealed class SiteRates
{
    private readonly double[] _rates;

    /// <summary>Creates zero rates for the sites over <paramref name="fieldLattice"/>.</summary>
    /// <param name="fieldLattice">The field's lattice.</param>
    /// <param name="coarsening">Field voxels per site along each axis; must divide every size (z too in 3-D).</param>
    public SiteRates(Lattice fieldLattice, int coarsening)
    {
        ArgumentNullException.ThrowIfNull(fieldLattice);
        if (coarsening < 1 || fieldLattice.SizeX % coarsening != 0 || fieldLattice.SizeY % coarsening != 0
            || (fieldLattice.Dimensions == 3 && fieldLattice.SizeZ % coarsening != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(coarsening), coarsening, $"The coarsening factor must be at least 1 and divide every size of the field lattice ({fieldLattice}).");
        }
        FieldLattice = fieldLattice;
        Coarsening = coarsening;
        Sites = new Lattice(fieldLattice.SizeX / coarsening, fieldLattice.SizeY / coarsening,
            fieldLattice.Dimensions == 3 ? fieldLattice.SizeZ / coarsening : 1, fieldLattice.Spacing * coarsening);
        _rates = new double[Sites.VoxelCount];
    }

    /// <summary>The field lattice the rates apply to.</summary>
    public Lattice FieldLattice { get; }

    /// <summary>The site lattice.</summary>
    public Lattice Sites { get; }

    /// <summary>Field voxels per site along each axis.</summary>
    public int Coarsening { get; }

    /// <summary>The rates, one per site in site-lattice order (writable).</summary>
    public Span<double> Rates => _rates;

    internal double[] Values => _rates;

    /// <summary>Sets every rate to <paramref name="value"/>.</summary>
    /// <param name="value">The rate.</param>
    public void Fill(double value) => Array.Fill(_rates, value);
}
