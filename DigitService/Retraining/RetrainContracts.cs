using Digit.Service.Training;

namespace Digit.Service.Retraining;

// The small records the workflow passes to its host. In the Azure app they are activity inputs and
// outputs, so they hold ids and numbers only: never tensors or model bytes.

/// <summary>What a retrain run is asked to do.</summary>
public sealed record RetrainInput(string RunId, int Epochs, int BatchSize, int Seed);

/// <summary>Train epoch <paramref name="Epoch"/> (1-based) of run <paramref name="RunId"/>.</summary>
public sealed record EpochRequest(string RunId, int Epoch, int MaxEpochs, int BatchSize, int Seed);

/// <summary>The epoch's training loss and accuracy (fraction), or that it stopped part-way.</summary>
public sealed record EpochOutcome(int Epoch, bool Stopped, double Loss, double Accuracy, double Seconds);

/// <summary>Evaluate, export and publish the model trained by run <paramref name="RunId"/>.</summary>
public sealed record PublishRequest(string RunId, int Epochs);

/// <summary>The published version and its test accuracy (fraction).</summary>
public sealed record PublishOutcome(string Version, double Accuracy);

/// <summary>How a run ended, written to the shared state and returned as the run's output.</summary>
public sealed record RetrainResult(string RunId, TrainingStatus Status, string? Message, double? Accuracy, string? ModelVersion);

/// <summary>The custom status a host shows while the run goes on.</summary>
public sealed record RetrainCustomStatus(string Stage, int EpochsDone, int MaxEpochs, double? LastEpochAccuracy);
