using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Modelling;

/// <summary>
/// A model compiled to delegates for solvers: right-hand side, Jacobians, observables, initial values and dose
/// amounts. All functions take <c>(time, states, parameters, output)</c> with vectors laid out as in
/// <see cref="Model.Layout"/>; none allocates.
/// </summary>
public sealed class CompiledModel
{
    internal CompiledModel(Model model)
    {
        Model = model;
        var layout = model.Layout;
        RightHandSide = ExprCompiler.Compile(model.ExpandedRates, layout);
        Jacobian = ExprCompiler.Compile(model.Jacobian, layout);
        ParameterJacobian = ExprCompiler.Compile(model.ParameterJacobian, layout);
        TimeDerivative = ExprCompiler.Compile([.. model.ExpandedRates.Select(r => r.Differentiate(Sym.Time))], layout);
        Observables = ExprCompiler.Compile(model.ExpandedObservables, layout);
        InitialValues = ExprCompiler.Compile([.. model.States.Select(s => s.Initial)], layout);
        DoseAmounts = ExprCompiler.Compile([.. model.Treatments.Select(t => t switch
        {
            Bolus b => b.Amount,
            Infusion i => i.Rate,
            _ => throw new NotSupportedException(t.GetType().Name),
        })], layout);
    }

    /// <summary>The model this was compiled from.</summary>
    public Model Model { get; }

    /// <summary>The number of states.</summary>
    public int StateCount => Model.States.Count;

    /// <summary>The number of parameters.</summary>
    public int ParameterCount => Model.Parameters.Count;

    /// <summary>dy/dt: writes one rate per state.</summary>
    public VectorFunction RightHandSide { get; }

    /// <summary>∂f/∂y, row-major, StateCount × StateCount.</summary>
    public VectorFunction Jacobian { get; }

    /// <summary>∂f/∂p, row-major, StateCount × ParameterCount.</summary>
    public VectorFunction ParameterJacobian { get; }

    /// <summary>∂f/∂t, one per state (zero for autonomous models), used by Rosenbrock methods.</summary>
    public VectorFunction TimeDerivative { get; }

    /// <summary>The observables, in <see cref="Model.Observables"/> order.</summary>
    public VectorFunction Observables { get; }

    /// <summary>The initial state from the parameters (the time and state arguments are ignored).</summary>
    public VectorFunction InitialValues { get; }

    /// <summary>Each treatment's amount (bolus) or rate (infusion), in <see cref="Model.Treatments"/> order.</summary>
    public VectorFunction DoseAmounts { get; }

    /// <summary>The initial state for the given parameters, as a new array.</summary>
    /// <param name="parameters">Parameter values in vector order.</param>
    public double[] Initial(ReadOnlySpan<double> parameters)
    {
        var y0 = new double[StateCount];
        InitialValues(0, [], parameters, y0);
        return y0;
    }
}
