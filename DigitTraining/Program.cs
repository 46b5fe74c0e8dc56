using System.Diagnostics;
using Digit.Training.Data;
using Digit.Training.Training;
var data = MnistFiles.Load(MnistFiles.ResolveFolder());
var trainer = new EpochTrainer(new TrainingOptions());
TrainingCheckpoint? checkpoint = null;
for (int e = 0; e < int.Parse(args[0]); e++)
{
    var r = trainer.TrainEpoch(data.Train, checkpoint, null, default);
    checkpoint = r.Checkpoint;
    using var m = checkpoint!.RestoreModel();
    Console.WriteLine($"{r.Report} {r.Report.SamplesPerSecond:F0}/s test={ModelEvaluator.Accuracy(m, data.Test):P2} rss={Process.GetCurrentProcess().PeakWorkingSet64/1e6:F0}MB");
}
