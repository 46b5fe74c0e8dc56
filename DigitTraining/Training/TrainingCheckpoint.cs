using System.Text;
using Digit.Training.Model;
using TorchSharp.Modules;

namespace Digit.Training.Training;

/// <summary>
/// Everything needed to resume training exactly: how many epochs are done, the optimizer step and the run's
/// total steps (which drive the learning-rate schedule), the seed, the network, and the serialized model state
/// (weights and batch-normalisation running statistics) and Adam state. It also keeps the
/// last epoch's loss and training accuracy, so a step retried after saving can answer without retraining.
/// </summary>
public sealed record TrainingCheckpoint(
    int EpochsCompleted,
    long Step,
    long TotalSteps,
    int Seed,
    CnnArchitecture Architecture,
    byte[] ModelState,
    byte[] OptimizerState,
    double LastEpochLoss = 0,
    double LastEpochAccuracy = 0)
{
    private const string Magic = "DIGIT-CHECKPOINT-3";

    /// <summary>The checkpoint as bytes, which <see cref="FromBytes"/> reads back.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(EpochsCompleted);
            writer.Write(Step);
            writer.Write(TotalSteps);
            writer.Write(Seed);
            writer.Write((int)Architecture);
            writer.Write(LastEpochLoss);
            writer.Write(LastEpochAccuracy);
            writer.Write(ModelState.Length);
            writer.Write(ModelState);
            writer.Write(OptimizerState.Length);
            writer.Write(OptimizerState);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Reads bytes written by <see cref="ToBytes"/>; other bytes, a truncated checkpoint or an unknown network are an
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static TrainingCheckpoint FromBytes(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException("This is not a Digit training checkpoint.");
            }
            var epochs = reader.ReadInt32();
            var step = reader.ReadInt64();
            var totalSteps = reader.ReadInt64();
            var seed = reader.ReadInt32();
            var architecture = (CnnArchitecture)reader.ReadInt32();
            if (!Enum.IsDefined(architecture))
            {
                throw new InvalidDataException($"The training checkpoint holds an unknown network ({(int)architecture}).");
            }
            var loss = reader.ReadDouble();
            var accuracy = reader.ReadDouble();
            var model = reader.ReadBytes(reader.ReadInt32());
            var optimizer = reader.ReadBytes(reader.ReadInt32());
            return new TrainingCheckpoint(epochs, step, totalSteps, seed, architecture, model, optimizer, loss, accuracy);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("The training checkpoint is truncated.", exception);
        }
    }

    /// <summary>A model with this checkpoint's weights.</summary>
    public DigitCnn RestoreModel()
    {
        var model = new DigitCnn(Architecture);
        using var reader = new BinaryReader(new MemoryStream(ModelState));
        model.load(reader);
        return model;
    }

    internal static TrainingCheckpoint Capture(DigitCnn model, Adam optimizer, long step, long totalSteps, int seed, EpochReport report)
    {
        return new TrainingCheckpoint(
            report.Epoch,
            step,
            totalSteps,
            seed,
            model.Architecture,
            Serialize(writer => model.save(writer)),
            Serialize(writer => optimizer.save_state_dict(writer)),
            report.Loss,
            report.Accuracy);
    }

    internal void RestoreOptimizer(Adam optimizer)
    {
        using var reader = new BinaryReader(new MemoryStream(OptimizerState));
        optimizer.load_state_dict(reader);
    }

    private static byte[] Serialize(Action<BinaryWriter> save)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            save(writer);
        }
        return stream.ToArray();
    }
}
