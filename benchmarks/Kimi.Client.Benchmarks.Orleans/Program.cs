// --swarm-orleans (the default): the swarm (300 sub-agents, 4,000 steps) in one process, then on Orleans' in-process test
// cluster of 3 silos, against the emulator on loopback Kestrel; steps per second and CPU per step, with the ratios
// (docs/benchmarks.md). --subtasks N for a smaller run.
using System.Globalization;
using Kimi.Client.Benchmarks.Orleans;

var subTasks = Array.IndexOf(args, "--subtasks") is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 300;
return await SwarmOrleansBench.RunAsync(Console.Out, subTasks);
