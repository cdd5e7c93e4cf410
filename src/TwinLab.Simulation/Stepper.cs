namespace TwinLab.Simulation;

/// <summary>One integration method: attempts steps, keeps what dense output needs for the last accepted step.</summary>
internal abstract class Stepper(OdeSystem system)
{
    protected OdeSystem System { get; } = system;

    protected int Dimension => System.Dimension;

    /// <summary>The order q of the embedded error estimate; step sizes scale with err^(-1/(q+1)).</summary>
    public abstract int ErrorOrder { get; }

    /// <summary>The PI controller's β (0 gives a pure I controller).</summary>
    public virtual double ControllerBeta => 0.04;

    /// <summary>Whether the method has an error estimate (fixed-step methods ignore it).</summary>
    public virtual bool HasErrorEstimate => true;

    /// <summary>The derivative at the current point (valid after <see cref="Start"/> or <see cref="Accept"/>).</summary>
    public abstract ReadOnlySpan<double> CurrentDerivative { get; }

    /// <summary>Starts (or restarts after a state jump) at (t, y).</summary>
    public abstract void Start(double t, double[] y);

    /// <summary>Attempts a step of size h from (t, y), writing the candidate to yNew and the local error estimate to error.</summary>
    public abstract void Attempt(double t, double h, double[] y, double[] yNew, double[] error);

    /// <summary>Accepts the attempted step (called after <see cref="Attempt"/> with the same arguments).</summary>
    public abstract void Accept(double t, double h, double[] y, double[] yNew);

    /// <summary>The dense output of the last accepted step at t + θh, θ ∈ [0, 1].</summary>
    public abstract void Interpolate(double theta, Span<double> result);

    /// <summary>Hairer's estimate of h·|λ| for the last attempted step (NaN when the method has none).</summary>
    public virtual double StiffnessRatio => double.NaN;

    /// <summary>The size of the step's stability region along the negative real axis.</summary>
    public virtual double StabilityBoundary => double.PositiveInfinity;

    /// <summary>LU factorisations so far.</summary>
    public virtual int Factorizations => 0;
}
