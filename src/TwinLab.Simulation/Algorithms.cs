using System.Globalization;

namespace TwinLab.Simulation;

/// <summary>
/// An ODE algorithm and its settings. Algorithms are immutable descriptions; <see cref="OdeProblem.Solve"/> runs them.
/// Tolerances follow the usual mixed test: a step is accepted when the RMS over states of
/// <c>error_i / (AbsTol_i + RelTol · |y_i|)</c> is at most 1.
/// </summary>
public abstract class OdeAlgorithm
{
    private readonly double _relTol = 1e-6;
    private readonly double _absTol = 1e-8;
    private readonly int _maxSteps = 1_000_000;

    private protected OdeAlgorithm() { }

    /// <summary>The relative tolerance (default 1e-6).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and finite.</exception>
    public double RelTol
    {
        get => _relTol;
        init => _relTol = Positive(value, nameof(RelTol));
    }

    /// <summary>The absolute tolerance for every state without its own (default 1e-8).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and finite.</exception>
    public double AbsTol
    {
        get => _absTol;
        init => _absTol = Positive(value, nameof(AbsTol));
    }

    /// <summary>Absolute tolerances for particular states, by name (e.g. a small one for a state measured in
    /// micrograms beside one measured in cells).</summary>
    public IReadOnlyDictionary<string, double>? StateAbsTol { get; init; }

    /// <summary>The most steps a solve may take before it stops with <see cref="SolutionStatus.MaxStepsReached"/>
    /// (default one million).</summary>
    public int MaxSteps
    {
        get => _maxSteps;
        init => _maxSteps = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSteps), value, "MaxSteps must be positive.");
    }

    /// <summary>The first step size; chosen automatically (Hairer's algorithm) when null.</summary>
    public double? InitialStep { get; init; }

    /// <summary>The largest step size allowed; unlimited when null.</summary>
    public double? MaxStep { get; init; }

    /// <summary>The algorithm's name, e.g. <c>Tsit5</c>.</summary>
    public abstract string Name { get; }

    /// <summary>A fixed step size, or null for adaptive stepping.</summary>
    internal virtual double? FixedStep => null;

    internal abstract Stepper CreateStepper(OdeSystem system);

    internal static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive, finite number.");

    /// <inheritdoc />
    public override string ToString() => FixedStep is { } h
        ? string.Create(CultureInfo.InvariantCulture, $"{Name}(fixed step {h})")
        : string.Create(CultureInfo.InvariantCulture, $"{Name}(RelTol={RelTol:G3}, AbsTol={AbsTol:G3})");
}

/// <summary>An algorithm that steps adaptively with error control, or with a fixed step when <see cref="Step"/> is set
/// (for teaching, convergence studies and benchmarks).</summary>
public abstract class AdaptiveOrFixedStepAlgorithm : OdeAlgorithm
{
    private readonly double? _step;

    private protected AdaptiveOrFixedStepAlgorithm() { }

    /// <summary>A fixed step size; null (the default) for adaptive steps with error control.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive and finite.</exception>
    public double? Step
    {
        get => _step;
        init => _step = value is { } h ? Positive(h, nameof(Step)) : null;
    }

    internal override double? FixedStep => Step;
}

/// <summary>Tsitouras' 5(4) Runge–Kutta pair (2011) with its free fourth-order dense output: the default non-stiff
/// method. Set <see cref="AdaptiveOrFixedStepAlgorithm.Step"/> for fixed steps (teaching, benchmarking).</summary>
public sealed class Tsit5 : AdaptiveOrFixedStepAlgorithm
{
    /// <inheritdoc />
    public override string Name => "Tsit5";

    internal override Stepper CreateStepper(OdeSystem system) => new ExplicitRungeKuttaStepper(system, ButcherTableau.Tsitouras5);
}

/// <summary>The Dormand–Prince 5(4) pair (1980) with Hairer's continuous extension, as in DOPRI5 and MATLAB's ode45.</summary>
public sealed class DormandPrince5 : AdaptiveOrFixedStepAlgorithm
{
    /// <inheritdoc />
    public override string Name => "DormandPrince5";

    internal override Stepper CreateStepper(OdeSystem system) => new ExplicitRungeKuttaStepper(system, ButcherTableau.DormandPrince5);
}

/// <summary>The classical fourth-order Runge–Kutta method with a fixed step and cubic Hermite dense output.</summary>
/// <param name="step">The step size.</param>
public sealed class RungeKutta4(double step) : OdeAlgorithm
{
    /// <summary>The step size.</summary>
    public double Step { get; } = Positive(step, nameof(step));

    /// <inheritdoc />
    public override string Name => "RK4";

    internal override double? FixedStep => Step;

    internal override Stepper CreateStepper(OdeSystem system) => new ExplicitRungeKuttaStepper(system, ButcherTableau.ClassicalRungeKutta4);
}

/// <summary>The L-stable Rosenbrock 2(3) method of Shampine and Reichelt (1997), as in MATLAB's ode23s, using the
/// model's symbolic Jacobian: for stiff models at moderate tolerances.</summary>
public sealed class Rosenbrock23 : OdeAlgorithm
{
    /// <inheritdoc />
    public override string Name => "Rosenbrock23";

    internal override Stepper CreateStepper(OdeSystem system) => new Rosenbrock23Stepper(system);
}

/// <summary>Steinebach's Rodas5P (2023): an L-stable, stiffly accurate Rosenbrock method of order 5 with 8 stages, an
/// embedded fourth-order error estimate and a fourth-order dense output, using the model's symbolic Jacobian: the stiff
/// method for moderate to tight tolerances (RelTol ≤ 1e-4). Set <see cref="AdaptiveOrFixedStepAlgorithm.Step"/> for fixed steps (convergence
/// studies).</summary>
public sealed class Rodas5P : AdaptiveOrFixedStepAlgorithm
{
    /// <inheritdoc />
    public override string Name => "Rodas5P";

    internal override Stepper CreateStepper(OdeSystem system) => new RodasStepper(system, RosenbrockTableau.Rodas5P);
}

/// <summary>The stiff method <see cref="AutoAlgorithm"/> switches to.</summary>
public enum StiffMethod
{
    /// <summary><see cref="TwinLab.Simulation.Rodas5P"/>, fifth order: the default.</summary>
    Rodas5P,

    /// <summary><see cref="TwinLab.Simulation.Rosenbrock23"/>, second order: cheaper steps at loose tolerances.</summary>
    Rosenbrock23,
}

/// <summary>
/// The default: starts with <see cref="Tsit5"/> and, when Hairer's stiffness test (the step size held at the edge of
/// the explicit method's stability region for 15 steps) fires, switches to a stiff method (<see cref="Stiff"/>,
/// <see cref="Rodas5P"/> unless set) for the rest of the solve. The switch time is reported in
/// <see cref="SolverStatistics.StiffSwitchTime"/>.
/// </summary>
public sealed class AutoAlgorithm : OdeAlgorithm
{
    private readonly StiffMethod _stiff = StiffMethod.Rodas5P;

    /// <summary>The stiff method used after the switch (default <see cref="StiffMethod.Rodas5P"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="StiffMethod"/>.</exception>
    public StiffMethod Stiff
    {
        get => _stiff;
        init => _stiff = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Stiff), value, "Stiff must be a defined StiffMethod.");
    }

    /// <inheritdoc />
    public override string Name => "Auto";

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}(Tsit5/{Stiff}, RelTol={RelTol:G3}, AbsTol={AbsTol:G3})");

    internal override Stepper CreateStepper(OdeSystem system) => new ExplicitRungeKuttaStepper(system, ButcherTableau.Tsitouras5);

    internal Stepper CreateStiffStepper(OdeSystem system) => Stiff switch
    {
        StiffMethod.Rosenbrock23 => new Rosenbrock23Stepper(system),
        _ => new RodasStepper(system, RosenbrockTableau.Rodas5P),
    };
}
