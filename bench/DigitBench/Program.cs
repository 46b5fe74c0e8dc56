using System.CommandLine;
using Digit.Bench.Commands;
using Spectre.Console;

// Benchmarks of the prediction path, hostile input, retraining and the learning loop: each command prints its
// figures next to their targets and stops by itself.
// Tables keep one line a row when the output goes to a file or a pipe.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160;
}

var root = new RootCommand("Digit benchmarks: print figures next to their targets (not tests)")
{
    PipelineCommand.Create(),
    TelemetryCommand.Create(),
    HttpCommand.Create(),
    LoadCommand.Create(),
    MemoryCommand.Create(),
    DrawingsCommand.Create(),
    RetrainCommand.Create(),
    RunMemoryCommand.Create(),
    BombsCommand.Create(),
    LearningCommand.Create(),
    CorrectionsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
