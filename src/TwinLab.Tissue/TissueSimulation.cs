using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TwinLab.Core.Randomness;
using TwinLab.Tissue.Fields;

namespace TwinLab.Tissue;

/// <summary>
/// An on-lattice multicellular tissue: one cell per site, with phenotypes and a cell cycle, coupled to diffusing
/// oxygen and drug fields, with radiation and drug treatments.
/// </summary>
/// <remarks>
/// <para><b>One cell step</b> (Δt_cell): apply radiation fractions due in the step; set the drug's boundary
/// concentration; rebuild the uptake maps from the cells; solve quasi-steady oxygen (multigrid by default, SOR on request) or time-step
/// it, and advance the drug by Δt_cell/Δt_diffusion implicit LOD steps; update every cell in parallel (phenotype, cycle clock, deaths; draws from Philox streams keyed by
/// (seed, purpose, step, cell id)); then apply divisions, migrations and clearances one after another in slot order.
/// Cells are stored as structure-of-arrays in flat arrays; nothing in the update depends on the thread count, so a
/// run is bitwise reproducible for a seed.</para>
/// <para><b>Division</b>: the nearest free site (breadth-first over the 4- or 6-neighbourhood, direction order
/// shuffled per division) is found within <c>max_push_distance</c> shoves; the cells on the path each move one site
/// towards it and the daughter takes the site next to the mother. With no free site within reach the mother turns
/// quiescent.</para>
/// </remarks>
public sealed class TissueSimulation
{
    private const uint PurposeCell = 0x7C311001;
    private const uint PurposeDivision = 0x7C311002;
    private const uint PurposeCycle = 0x7C311003;
    private const uint PurposeRadiation = 0x7C311004;
    private const uint PurposeSeeding = 0x7C311005;
    private const byte EventNone = 0, EventDivide = 1, EventMigrate = 2, EventRemove = 3;
    private const int Blocked = -2, Free = -1;

    private readonly TissueRules _rules;
    private readonly TissueTimeSteps _steps;
    private readonly ulong _seed;
    private readonly int _maxThreads;
    private readonly int[] _occupancy; // site → cell slot, Free or Blocked
    private readonly int[] _centreVoxel; // site → field voxel at its centre
    private readonly int[] _neighbourOffsets;
    private readonly int _neighbourCount;
    private readonly SiteRates _oxygenUptake;
    private readonly SiteRates _drugUptake;
    private readonly List<TissueObservation> _observations = [];
    private readonly List<RadiationFraction> _radiation;
    private readonly List<DrugExposure> _drug;
    private readonly int[] _visitStamp, _parent, _queue, _distance;
    private readonly double[] _siteOxygen, _siteDrug; // the fields at each site's centre voxel, gathered per cell step

    // Cells: structure of arrays, slots [0, _count).
    private int[] _site;
    private Phenotype[] _phenotype;
    private double[] _clock, _duration, _timer;
    private ulong[] _id;
    private byte[] _event;
    private int _count;
    private ulong _nextId;
    private int _stamp;
    private int _radiationEvents;
    private bool _drugPresent;

    /// <summary>Creates an empty tissue with oxygen at its far-field value everywhere.</summary>
    /// <param name="setup">The setup.</param>
    public TissueSimulation(TissueSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.Steps.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(setup.MaxThreads);
        Setup = setup;
        _rules = setup.Rules;
        _steps = setup.Steps;
        _seed = setup.Seed;
        _maxThreads = setup.MaxThreads;
        Sites = setup.Sites;
        var fieldLattice = Sites.Refine(setup.FieldRefinement);
        Oxygen = new DiffusionField("oxygen", "mmHg", fieldLattice, _rules.OxygenDiffusion, _rules.OxygenDecay, FaceBoundary.Dirichlet(_rules.FarFieldOxygen));
        Oxygen.Fill(_rules.FarFieldOxygen);
        Drug = new DiffusionField("drug", "µM", fieldLattice, _rules.DrugDiffusion, _rules.DrugDecay, FaceBoundary.Dirichlet(0));
        _oxygenUptake = new SiteRates(fieldLattice, setup.FieldRefinement);
        _drugUptake = new SiteRates(fieldLattice, setup.FieldRefinement);
        int n = Sites.VoxelCount;
        _occupancy = new int[n];
        Array.Fill(_occupancy, Free);
        _centreVoxel = new int[n];
        int f = setup.FieldRefinement, half = f / 2;
        for (int s = 0; s < n; s++)
        {
            var (x, y, z) = Sites.Coordinates(s);
            _centreVoxel[s] = fieldLattice.Index((x * f) + half, (y * f) + half, Sites.Dimensions == 3 ? (z * f) + half : 0);
        }
        _neighbourCount = Sites.Dimensions == 3 ? 6 : 4;
        int sx = Sites.SizeX, plane = Sites.SizeX * Sites.SizeY;
        _neighbourOffsets = Sites.Dimensions == 3 ? [1, -1, sx, -sx, plane, -plane] : [1, -1, sx, -sx];
        _visitStamp = new int[n];
        _parent = new int[n];
        _queue = new int[n];
        _distance = new int[n];
        _siteOxygen = new double[n];
        _siteDrug = new double[n];
        int capacity = Math.Min(n, 1024);
        _site = new int[capacity];
        _phenotype = new Phenotype[capacity];
        _clock = new double[capacity];
        _duration = new double[capacity];
        _timer = new double[capacity];
        _id = new ulong[capacity];
        _event = new byte[capacity];
        _radiation = [.. setup.Treatments.OfType<RadiationFraction>().OrderBy(r => r.Time)];
        _drug = [.. setup.Treatments.OfType<DrugExposure>()];
        bool anyDrug = setup.Treatments.OfType<DrugExposure>().Any();
        double splitting = setup.Steps.Diffusion * Math.Max(anyDrug ? _rules.DrugUptake + _rules.DrugDecay : 0,
            setup.OxygenQuasiSteady ? 0 : _rules.OxygenUptake + _rules.OxygenDecay);
        if (splitting > 0.5)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The diffusion step of {setup.Steps.Diffusion} min times the fastest uptake plus decay is {splitting:G3}; the LOD splitting needs it ≤ 0.5 (≪ 1 for accuracy): use a smaller diffusion step, or quasi-steady oxygen."), nameof(setup));
        }
        if (!(setup.OxygenTolerance > 0))
        {
            throw new ArgumentException("The oxygen tolerance must be positive (mmHg).", nameof(setup));
        }
        foreach (var r in _radiation)
        {
            if (!(r.Dose >= 0) || !double.IsFinite(r.Dose) || !double.IsFinite(r.Time))
            {
                throw new ArgumentException($"Radiation fraction {r} needs a finite time and a finite dose ≥ 0 Gy.", nameof(setup));
            }
        }
        foreach (var d in _drug)
        {
            if (!(d.End > d.Start) || !(d.Concentration > 0) || !double.IsFinite(d.Concentration))
            {
                throw new ArgumentException($"Drug exposure {d} needs End > Start and a positive, finite concentration.", nameof(setup));
            }
        }
    }

    /// <summary>The setup.</summary>
    public TissueSetup Setup { get; }

    /// <summary>The cell-site lattice.</summary>
    public Lattice Sites { get; }

    /// <summary>The oxygen field (mmHg).</summary>
    public DiffusionField Oxygen { get; }

    /// <summary>The drug field (µM).</summary>
    public DiffusionField Drug { get; }

    /// <summary>Simulated time (min).</summary>
    public double Time { get; private set; }

    /// <summary>Cell steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>The number of cells.</summary>
    public int CellCount => _count;

    /// <summary>The observations recorded so far (one at the first run's start, then every <see cref="TissueTimeSteps.ObserveEvery"/> cell steps).</summary>
    public IReadOnlyList<TissueObservation> Observations => _observations;

    /// <summary>Places a proliferating cell at site (x, y, z) with a fresh cycle.</summary>
    /// <param name="x">Site x.</param>
    /// <param name="y">Site y.</param>
    /// <param name="z">Site z (0 in 2-D).</param>
    public void PlaceCell(int x, int y, int z)
    {
        if (!Sites.Contains(x, y, z))
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Site ({x}, {y}, {z}) lies outside {Sites}.");
        }
        int s = Sites.Index(x, y, z);
        if (_occupancy[s] != Free)
        {
            throw new InvalidOperationException($"Site ({x}, {y}, {z}) is already occupied or a vessel.");
        }
        AddCell(s, Phenotype.Proliferating, 0);
    }

    /// <summary>Fills every free site within <paramref name="radius"/> sites of the lattice centre with a proliferating
    /// cell whose cycle clock starts at a uniformly random point (an asynchronous population).</summary>
    /// <param name="radius">The ball (disc) radius in sites.</param>
    /// <returns>The number of cells placed.</returns>
    public int SeedSpheroid(double radius)
    {
        double cx = (Sites.SizeX - 1) / 2.0, cy = (Sites.SizeY - 1) / 2.0, cz = (Sites.SizeZ - 1) / 2.0;
        int placed = 0;
        for (int s = 0; s < Sites.VoxelCount; s++)
        {
            var (x, y, z) = Sites.Coordinates(s);
            double d2 = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) + ((z - cz) * (z - cz));
            if (d2 <= radius * radius && _occupancy[s] == Free)
            {
                AddCell(s, Phenotype.Proliferating, 0);
                _clock[_count - 1] = Uniform(PurposeSeeding, 0, _id[_count - 1], 0) * _duration[_count - 1];
                placed++;
            }
        }
        return placed;
    }

    /// <summary>Places <paramref name="count"/> proliferating cells on distinct free sites chosen uniformly at random
    /// (a dense tissue rather than a spheroid), with random cycle phases.</summary>
    /// <param name="count">How many cells (at most the free sites).</param>
    public void SeedRandomly(int count)
    {
        var free = new List<int>();
        for (int s = 0; s < Sites.VoxelCount; s++)
        {
            if (_occupancy[s] == Free)
            {
                free.Add(s);
            }
        }
        if (count < 0 || count > free.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Between 0 and {free.Count} cells fit on the free sites.");
        }
        var stream = RandomStream.For(_seed, PurposeSeeding, 1);
        for (int k = 0; k < count; k++)
        {
            int j = k + (int)stream.NextUInt32((uint)(free.Count - k));
            (free[k], free[j]) = (free[j], free[k]);
            AddCell(free[k], Phenotype.Proliferating, 0);
            _clock[_count - 1] = stream.NextDouble() * _duration[_count - 1];
        }
    }

    /// <summary>Makes site (x, y, z) a vessel: no cell may occupy it, and its field voxels are held at the far-field
    /// oxygen and at the drug's boundary concentration.</summary>
    /// <param name="x">Site x.</param>
    /// <param name="y">Site y.</param>
    /// <param name="z">Site z.</param>
    public void AddVessel(int x, int y, int z)
    {
        if (!Sites.Contains(x, y, z))
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Site ({x}, {y}, {z}) lies outside {Sites}.");
        }
        int s = Sites.Index(x, y, z);
        if (_occupancy[s] >= 0)
        {
            throw new InvalidOperationException($"Site ({x}, {y}, {z}) holds a cell; add vessels before cells.");
        }
        _occupancy[s] = Blocked;
        int f = Setup.FieldRefinement;
        var fl = Oxygen.Lattice;
        for (int dz = 0; dz < (Sites.Dimensions == 3 ? f : 1); dz++)
        {
            for (int dy = 0; dy < f; dy++)
            {
                for (int dx = 0; dx < f; dx++)
                {
                    int v = fl.Index((x * f) + dx, (y * f) + dy, Sites.Dimensions == 3 ? (z * f) + dz : 0);
                    Oxygen.Hold(v, _rules.FarFieldOxygen);
                    Drug.Hold(v, Drug.Faces.Value);
                }
            }
        }
    }

    /// <summary>Sets oxygen to its quasi-steady state for the current cells (<see cref="TissueSetup.OxygenSolver"/> to
    /// <see cref="TissueSetup.OxygenTolerance"/>).</summary>
    /// <returns>The solver's report: <see cref="SteadyStateResult.Iterations"/> counts V-cycles (multigrid) or
    /// red-black sweeps (SOR); <see cref="SteadyStateResult.LastChange"/> is the larger of the final scaled residual and the last coarse correction (multigrid) or
    /// the last sweep's largest change (SOR).</returns>
    public SteadyStateResult EquilibrateOxygen()
    {
        RebuildUptake();
        return SolveOxygen(1000, 100_000);
    }

    /// <summary>Quasi-steady oxygen solves that stopped at their iteration limit before reaching the tolerance (reported, not thrown).</summary>
    public int UnconvergedOxygenSolves { get; private set; }

    /// <summary>Iterations of the quasi-steady oxygen solves during <see cref="Run"/> so far: V-cycles with multigrid,
    /// red-black sweeps with SOR.</summary>
    public long OxygenIterations { get; private set; }

    private SteadyStateResult SolveOxygen(int maxCycles, int maxSweeps)
    {
        if (Setup.OxygenSolver == SteadyStateSolver.Multigrid)
        {
            var result = DiffusionSolver.SolveSteadyStateMultigrid(Oxygen, _oxygenUptake, Setup.OxygenTolerance, maxCycles, _maxThreads);
            return new SteadyStateResult(result.Cycles, Math.Max(result.FinalResidual, result.LastCorrection), result.Converged);
        }
        return DiffusionSolver.SolveSteadyState(Oxygen, _oxygenUptake, null, Setup.OxygenTolerance, maxSweeps, _maxThreads);
    }

    /// <summary>Runs whole cell steps covering <paramref name="minutes"/> (a whole multiple of the cell step).</summary>
    /// <param name="minutes">Simulated minutes.</param>
    public void Run(double minutes)
    {
        double stepsExact = minutes / _steps.Cell;
        long steps = (long)Math.Round(stepsExact);
        if (!(minutes >= 0) || Math.Abs(stepsExact - steps) > 1e-9 * Math.Max(1, stepsExact))
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), minutes, string.Create(CultureInfo.InvariantCulture,
                $"Run a whole number of cell steps of {_steps.Cell} min; {minutes} min is not."));
        }
        if (_observations.Count == 0)
        {
            _observations.Add(Observe());
        }
        for (long k = 0; k < steps; k++)
        {
            AdvanceOneStep();
            if (Step % _steps.ObserveEvery == 0)
            {
                _observations.Add(Observe());
            }
        }
    }

    /// <summary>One cell step: treatments, fields, then cells.</summary>
    public void AdvanceOneStep()
    {
        double end = Time + _steps.Cell;
        foreach (var fraction in _radiation)
        {
            if (fraction.Time >= Time && fraction.Time < end)
            {
                Irradiate(fraction.Dose);
            }
        }
        double drugBoundary = 0;
        foreach (var d in _drug)
        {
            if (Time >= d.Start && Time < d.End)
            {
                drugBoundary += d.Concentration;
            }
        }
        if (drugBoundary != Drug.Faces.Value)
        {
            Drug.Faces = new FaceBoundary(true, drugBoundary);
            Drug.SetHeldValues(drugBoundary);
        }
        _drugPresent |= drugBoundary > 0;
        RebuildUptake();
        if (Setup.OxygenQuasiSteady)
        {
            var solve = SolveOxygen(200, 10_000);
            OxygenIterations += solve.Iterations;
            UnconvergedOxygenSolves += solve.Converged ? 0 : 1;
        }
        int substeps = _steps.DiffusionStepsPerCellStep;
        for (int k = 0; k < substeps; k++)
        {
            if (!Setup.OxygenQuasiSteady)
            {
                DiffusionSolver.StepImplicit(Oxygen, _oxygenUptake, _steps.Diffusion, _maxThreads);
            }
            if (_drugPresent)
            {
                DiffusionSolver.StepImplicit(Drug, _drugUptake, _steps.Diffusion, _maxThreads);
            }
        }
        UpdateCells();
        Time = end;
        Step++;
    }

    /// <summary>Updates the cells by one cell step with the fields as they are (phenotypes, clocks, deaths, then
    /// divisions, migrations and clearances). <see cref="AdvanceOneStep"/> calls it after the fields; alone it serves
    /// benchmarks of the cell rules. Does not advance <see cref="Time"/>.</summary>
    public void UpdateCells()
    {
        int count = _count;
        double dt = _steps.Cell;
        var rules = _rules;
        double pNecrosis = -double.ExpM1(-rules.NecrosisRate * dt);
        double pRecheck = -double.ExpM1(-rules.QuiescentRecheckRate * dt);
        double pMigrate = -double.ExpM1(-rules.MigrationRate * dt);
        double pBackgroundApoptosis = -double.ExpM1(-rules.ApoptosisRate * dt);
        double speedScale = 1.0 / (rules.OxygenSaturation - rules.HypoxiaThreshold);
        double apoptosisDuration = rules.ApoptosisDuration, necrosisThreshold = rules.NecrosisThreshold;
        double hypoxiaThreshold = rules.HypoxiaThreshold, saturation = rules.OxygenSaturation, apoptosisRate = rules.ApoptosisRate;
        double emax = rules.DrugEmax, hill = rules.DrugHill, ec50Power = Math.Pow(rules.DrugEc50, rules.DrugHill);
        ulong seed = _seed;
        uint step = (uint)Step;
        bool drugPresent = _drugPresent;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxThreads == 0 ? Environment.ProcessorCount : _maxThreads };
        // Gather the fields at the site centres in site order (a forward walk through the field, which the hardware
        // prefetches), so the cells, stored in no particular site order, read a small per-site array instead of
        // jumping across the whole field.
        var oxygen = _siteOxygen;
        var drug = _siteDrug;
        var centre = _centreVoxel;
        var oxygenField = Oxygen.Values;
        var drugField = Drug.Values;
        int siteCount = Sites.VoxelCount;
        int siteChunks = (siteCount + 8191) / 8192;
        Parallel.For(0, siteChunks, options, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b) =>
        {
            int end = Math.Min(siteCount, (b + 1) * 8192);
            for (int s = b * 8192; s < end; s++)
            {
                oxygen[s] = oxygenField[centre[s]];
            }
            if (drugPresent)
            {
                for (int s = b * 8192; s < end; s++)
                {
                    drug[s] = drugField[centre[s]];
                }
            }
        });
        var site = _site;
        var phenotype = _phenotype;
        var clock = _clock;
        var duration = _duration;
        var timer = _timer;
        var id = _id;
        var events = _event;
        int chunk = 4096;
        int chunks = (count + chunk - 1) / chunk;
        // The rules are compiled fully optimised from the first call (no tiering), so the first cell steps of a run are as
        // fast as the later ones.
        Parallel.For(0, chunks, options, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
        {
            int end = Math.Min(count, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++)
            {
                byte ev = EventNone;
                var ph = phenotype[i];
                if (ph == Phenotype.Necrotic)
                {
                    events[i] = ev;
                    continue;
                }
                if (ph == Phenotype.Apoptotic)
                {
                    timer[i] += dt;
                    events[i] = timer[i] >= apoptosisDuration ? EventRemove : EventNone;
                    continue;
                }
                Draw4(seed, PurposeCell, step, id[i], out double u0, out double u1, out double u2, out double u3);
                int voxel = site[i];
                double o = oxygen[voxel];
                if (o < necrosisThreshold && u0 < pNecrosis)
                {
                    phenotype[i] = Phenotype.Necrotic;
                    events[i] = EventNone;
                    continue;
                }
                double pApoptosis = pBackgroundApoptosis;
                if (drugPresent && ph == Phenotype.Proliferating && drug[voxel] > 0)
                {
                    double ch = Math.Pow(drug[voxel], hill);
                    pApoptosis = -double.ExpM1(-(apoptosisRate + (emax * ch / (ec50Power + ch))) * dt);
                }
                if (u1 < pApoptosis)
                {
                    phenotype[i] = Phenotype.Apoptotic;
                    timer[i] = 0;
                    events[i] = EventNone;
                    continue;
                }
                if (o < hypoxiaThreshold)
                {
                    phenotype[i] = Phenotype.Hypoxic;
                    events[i] = EventNone;
                    continue;
                }
                if (ph == Phenotype.Hypoxic)
                {
                    ph = Phenotype.Proliferating;
                    phenotype[i] = ph;
                }
                if (ph == Phenotype.Proliferating)
                {
                    double speed = o >= saturation ? 1 : (o - hypoxiaThreshold) * speedScale;
                    clock[i] += dt * speed;
                    if (clock[i] >= duration[i])
                    {
                        ev = EventDivide;
                    }
                }
                else if (u2 < pRecheck)
                {
                    ev = EventDivide; // a quiescent cell tries again
                }
                if (ev == EventNone && u3 < pMigrate)
                {
                    ev = EventMigrate;
                }
                events[i] = ev;
            }
        });

        // Moves and births one after another in slot order: deterministic whatever the thread count.
        List<int>? removals = null;
        for (int i = 0; i < count; i++)
        {
            switch (_event[i])
            {
                case EventDivide:
                    TryDivide(i, step);
                    break;
                case EventMigrate:
                    TryMigrate(i, step);
                    break;
                case EventRemove:
                    (removals ??= []).Add(i);
                    break;
                default:
                    break;
            }
        }
        if (removals is not null)
        {
            for (int k = removals.Count - 1; k >= 0; k--)
            {
                RemoveCell(removals[k]);
            }
        }
    }

    /// <summary>Irradiates every living cell now: each survives with the linear-quadratic probability at its oxygen
    /// (<see cref="TissueRules.SurvivingFraction"/>); the others turn apoptotic.</summary>
    /// <param name="dose">The dose (Gy).</param>
    /// <returns>(exposed living cells, cells killed).</returns>
    public (int Exposed, int Killed) Irradiate(double dose)
    {
        if (!(dose >= 0) || !double.IsFinite(dose))
        {
            throw new ArgumentOutOfRangeException(nameof(dose), dose, "A dose must be finite and not negative (Gy).");
        }
        uint fraction = (uint)_radiationEvents++;
        int exposed = 0, killed = 0;
        for (int i = 0; i < _count; i++)
        {
            var ph = _phenotype[i];
            if (ph is Phenotype.Necrotic or Phenotype.Apoptotic)
            {
                continue;
            }
            exposed++;
            double survival = _rules.SurvivingFraction(dose, Oxygen.Values[_centreVoxel[_site[i]]]);
            if (Uniform(PurposeRadiation, fraction, _id[i], 0) >= survival)
            {
                _phenotype[i] = Phenotype.Apoptotic;
                _timer[i] = 0;
                killed++;
            }
        }
        return (exposed, killed);
    }

    /// <summary>The current observables.</summary>
    /// <returns>Counts, radii and field statistics now.</returns>
    public TissueObservation Observe()
    {
        Span<int> counts = stackalloc int[6];
        double oxygenSum = 0;
        for (int i = 0; i < _count; i++)
        {
            var ph = _phenotype[i];
            counts[(int)ph]++;
            if (ph is Phenotype.Proliferating or Phenotype.Quiescent or Phenotype.Hypoxic)
            {
                oxygenSum += Oxygen.Values[_centreVoxel[_site[i]]];
            }
        }
        var phenotypeCounts = new PhenotypeCounts(counts[1], counts[2], counts[3], counts[4], counts[5]);
        return new TissueObservation(Time, Step, phenotypeCounts, EquivalentRadius(phenotypeCounts.Total),
            EquivalentRadius(phenotypeCounts.Necrotic), Oxygen.Statistics(),
            phenotypeCounts.Living == 0 ? double.NaN : oxygenSum / phenotypeCounts.Living, Drug.Statistics());
    }

    /// <summary>The phenotype at site (x, y, z), <see cref="Phenotype.None"/> where there is no cell.</summary>
    /// <param name="x">Site x.</param>
    /// <param name="y">Site y.</param>
    /// <param name="z">Site z.</param>
    /// <returns>The phenotype.</returns>
    public Phenotype PhenotypeAt(int x, int y, int z)
    {
        int slot = _occupancy[Sites.Index(x, y, z)];
        return slot >= 0 ? _phenotype[slot] : Phenotype.None;
    }

    /// <summary>The phenotypes of the site plane z as a [y, x] array (<see cref="Phenotype.None"/> for empty sites and vessels).</summary>
    /// <param name="z">The site layer (0 in 2-D).</param>
    /// <returns>A new array.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1814:Prefer jagged arrays over multidimensional", Justification = "A slice is a rectangular image.")]
    public Phenotype[,] PhenotypeSlice(int z)
    {
        if ((uint)z >= (uint)Sites.SizeZ)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, $"The layer must lie in [0, {Sites.SizeZ - 1}].");
        }
        var slice = new Phenotype[Sites.SizeY, Sites.SizeX];
        for (int y = 0; y < Sites.SizeY; y++)
        {
            for (int x = 0; x < Sites.SizeX; x++)
            {
                slice[y, x] = PhenotypeAt(x, y, z);
            }
        }
        return slice;
    }

    /// <summary>A SHA-256 digest (hex) of the whole state — time, cells and fields — for reproducibility checks.</summary>
    /// <returns>The digest.</returns>
    public string StateDigest()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scalar = stackalloc byte[16];
        BitConverter.TryWriteBytes(scalar, Time);
        BitConverter.TryWriteBytes(scalar[8..], _count);
        hash.AppendData(scalar);
        hash.AppendData(MemoryMarshal.AsBytes(_site.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(_phenotype.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(_clock.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(_duration.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(_timer.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(_id.AsSpan(0, _count)));
        hash.AppendData(MemoryMarshal.AsBytes(Oxygen.Concentrations));
        hash.AppendData(MemoryMarshal.AsBytes(Drug.Concentrations));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private double EquivalentRadius(int cells)
    {
        double measure = cells * Sites.VoxelMeasure;
        return Sites.Dimensions == 3 ? Math.Cbrt(3 * measure / (4 * Math.PI)) : Math.Sqrt(measure / Math.PI);
    }

    private void RebuildUptake()
    {
        var o = _oxygenUptake.Values;
        var d = _drugUptake.Values;
        Array.Clear(o);
        Array.Clear(d);
        double uo = _rules.OxygenUptake, ud = _rules.DrugUptake;
        for (int i = 0; i < _count; i++)
        {
            if (_phenotype[i] is Phenotype.Proliferating or Phenotype.Quiescent or Phenotype.Hypoxic)
            {
                o[_site[i]] = uo;
                d[_site[i]] = ud;
            }
        }
    }

    private void AddCell(int site, Phenotype phenotype, uint step)
    {
        if (_count == _site.Length)
        {
            int capacity = Math.Min(Sites.VoxelCount, Math.Max(16, _site.Length * 2));
            Array.Resize(ref _site, capacity);
            Array.Resize(ref _phenotype, capacity);
            Array.Resize(ref _clock, capacity);
            Array.Resize(ref _duration, capacity);
            Array.Resize(ref _timer, capacity);
            Array.Resize(ref _id, capacity);
            Array.Resize(ref _event, capacity);
        }
        int slot = _count++;
        ulong id = _nextId++;
        _site[slot] = site;
        _phenotype[slot] = phenotype;
        _clock[slot] = 0;
        _timer[slot] = 0;
        _id[slot] = id;
        _event[slot] = EventNone;
        _duration[slot] = DrawDuration(step, id);
        _occupancy[site] = slot;
    }

    private void RemoveCell(int slot)
    {
        _occupancy[_site[slot]] = Free;
        int last = --_count;
        if (slot != last)
        {
            _site[slot] = _site[last];
            _phenotype[slot] = _phenotype[last];
            _clock[slot] = _clock[last];
            _duration[slot] = _duration[last];
            _timer[slot] = _timer[last];
            _id[slot] = _id[last];
            _event[slot] = _event[last];
            _occupancy[_site[slot]] = slot;
        }
    }

    /// <summary>A log-normal cycle duration with the rules' mean and CV, keyed by (step, cell id).</summary>
    private double DrawDuration(uint step, ulong id)
    {
        double cv = _rules.CycleCv;
        if (cv == 0)
        {
            return _rules.CycleDuration;
        }
        Draw4(_seed, PurposeCycle, step, id, out double u0, out double u1, out _, out _);
        double sigma2 = Math.Log(1 + (cv * cv));
        double normal = Math.Sqrt(-2 * Math.Log(u0)) * Math.Cos(2 * Math.PI * u1);
        return _rules.CycleDuration * Math.Exp((Math.Sqrt(sigma2) * normal) - (sigma2 / 2));
    }

    private void TryDivide(int slot, uint step)
    {
        Span<int> order = stackalloc int[_neighbourCount];
        ShuffledDirections(PurposeDivision, step, _id[slot], order);
        int start = _site[slot];
        int free = FindFreeSite(start, _rules.MaxPushDistance, order);
        if (free < 0)
        {
            _phenotype[slot] = Phenotype.Quiescent;
            return;
        }
        // Path start → ... → last occupied → free; shift each cell one site along it, the daughter takes the site after the mother.
        int to = free;
        int from = _parent[free];
        while (from != start)
        {
            int moving = _occupancy[from];
            _site[moving] = to;
            _occupancy[to] = moving;
            to = from;
            from = _parent[from];
        }
        _occupancy[to] = Free;
        AddCell(to, Phenotype.Proliferating, step);
        _phenotype[slot] = Phenotype.Proliferating;
        _clock[slot] = 0;
        _duration[slot] = DrawDuration(step, _id[slot]);
    }

    private void TryMigrate(int slot, uint step)
    {
        Span<int> order = stackalloc int[_neighbourCount];
        ShuffledDirections(PurposeDivision, step, _id[slot], order);
        int s = _site[slot];
        foreach (int direction in order)
        {
            int n = Neighbour(s, direction);
            if (n >= 0 && _occupancy[n] == Free)
            {
                _occupancy[s] = Free;
                _occupancy[n] = slot;
                _site[slot] = n;
                return;
            }
        }
    }

    /// <summary>Breadth-first search for the nearest free site reachable through at most <paramref name="maxPush"/> occupied sites.</summary>
    private int FindFreeSite(int start, int maxPush, ReadOnlySpan<int> order)
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_visitStamp);
            _stamp = 1;
        }
        int head = 0, tail = 0;
        _queue[tail++] = start;
        _visitStamp[start] = _stamp;
        _distance[start] = 0;
        int sx = Sites.SizeX, sy = Sites.SizeY;
        while (head < tail)
        {
            int current = _queue[head++];
            if (_distance[current] > maxPush)
            {
                continue;
            }
            // The coordinates once per site searched, not once per direction.
            int x = current % sx, rest = current / sx, y = rest % sy, z = rest / sy;
            foreach (int direction in order)
            {
                int n = Neighbour(current, x, y, z, direction);
                if (n < 0 || _visitStamp[n] == _stamp || _occupancy[n] == Blocked)
                {
                    continue;
                }
                _visitStamp[n] = _stamp;
                _parent[n] = current;
                if (_occupancy[n] == Free)
                {
                    return n;
                }
                _distance[n] = _distance[current] + 1;
                _queue[tail++] = n;
            }
        }
        return -1;
    }

    /// <summary>The neighbouring site in direction <paramref name="direction"/> (+x, −x, +y, −y, +z, −z), or −1 outside the lattice.</summary>
    private int Neighbour(int site, int direction)
    {
        int sx = Sites.SizeX, sy = Sites.SizeY;
        int x = site % sx, rest = site / sx, y = rest % sy, z = rest / sy;
        return Neighbour(site, x, y, z, direction);
    }

    /// <summary>The neighbouring site of <paramref name="site"/> at (x, y, z) in direction <paramref name="direction"/>, or −1 outside.</summary>
    private int Neighbour(int site, int x, int y, int z, int direction)
    {
        bool inside = direction switch
        {
            0 => x + 1 < Sites.SizeX,
            1 => x > 0,
            2 => y + 1 < Sites.SizeY,
            3 => y > 0,
            4 => z + 1 < Sites.SizeZ,
            _ => z > 0,
        };
        return inside ? site + _neighbourOffsets[direction] : -1;
    }

    private void ShuffledDirections(uint purpose, uint step, ulong id, Span<int> order)
    {
        for (int k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }
        Philox4x32.Generate(step, purpose, (uint)id, (uint)(id >> 32), (uint)_seed, (uint)(_seed >> 32),
            out uint w0, out uint w1, out uint w2, out uint w3);
        Philox4x32.Generate(step, purpose ^ 0x80000000u, (uint)id, (uint)(id >> 32), (uint)_seed, (uint)(_seed >> 32),
            out uint w4, out _, out _, out _);
        Span<uint> words = [w0, w1, w2, w3, w4];
        for (int k = order.Length - 1; k > 0; k--)
        {
            int j = (int)(((ulong)words[order.Length - 1 - k] * (uint)(k + 1)) >> 32);
            (order[k], order[j]) = (order[j], order[k]);
        }
    }

    private double Uniform(uint purpose, uint counter, ulong id, int word)
    {
        Draw4(_seed, purpose, counter, id, out double u0, out double u1, out double u2, out double u3);
        return word switch { 0 => u0, 1 => u1, 2 => u2, _ => u3 };
    }

    /// <summary>Four uniforms in (0, 1) from the Philox block keyed by the seed with counter (counter, purpose, id).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Draw4(ulong seed, uint purpose, uint counter, ulong id, out double u0, out double u1, out double u2, out double u3)
    {
        Philox4x32.Generate(counter, purpose, (uint)id, (uint)(id >> 32), (uint)seed, (uint)(seed >> 32),
            out uint w0, out uint w1, out uint w2, out uint w3);
        const double scale = 1.0 / 4294967296.0;
        u0 = (w0 + 0.5) * scale;
        u1 = (w1 + 0.5) * scale;
        u2 = (w2 + 0.5) * scale;
        u3 = (w3 + 0.5) * scale;
    }
}
