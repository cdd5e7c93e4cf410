using BenchmarkDotNet.Running;
using TwinLab.Benchmarks;

// `kernel-latency` measures the notebook kernel with the real Jupyter client against ipykernel;
// `nn-vs-sklearn` times the distance-based synthetic-data metrics against scikit-learn's NearestNeighbors;
// `sbi-c2st` runs the sbibm protocol (NPE with a MAF, NSF or MDN, and ABC-SMC; 10 observations per task) and scores
// each posterior by C2ST against a reference posterior; `c2st-vs-sklearn` times C2ST against sbibm's scikit-learn code;
// `register-bound` times hand-written Tsit5 register loops on Lorenz, one and two bundles of lanes (a bound for the
// ensemble engine); `solver-vs-scipy` runs the single-trajectory comparison with SciPy (a peer in another process, so it is timed with
// repeated wall-clock measurements rather than BenchmarkDotNet); anything else goes to BenchmarkDotNet, e.g.
//   dotnet run -c Release --project tests/TwinLab.Benchmarks -- --filter '*RightHandSide*'
if (args is ["solver-vs-scipy", ..])
{
    return SolverVersusScipy.Run(Console.Out);
}
if (args is ["nn-vs-sklearn", ..])
{
    return NearestNeighborsVersusSklearn.Run(Console.Out, args);
}
if (args is ["c2st-vs-sklearn", ..])
{
    return C2stVersusSklearn.Run(Console.Out, args);
}
if (args is ["sbi-c2st", ..])
{
    return SbiC2stBenchmark.Run(args[1..], Console.Out);
}
if (args is ["register-bound", ..])
{
    return RegisterBound.Run(args[1..], Console.Out);
}
if (args is ["kernel-latency", ..])
{
    return KernelLatency.Run(Console.Out);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
