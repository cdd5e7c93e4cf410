using BenchmarkDotNet.Running;

// Runs every benchmark, or those selected with BenchmarkDotNet's --filter, e.g.
//   dotnet run -c Release --project tests/TwinLab.Benchmarks -- --filter '*RightHandSide*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
