using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>What a retrain run does, and the MNIST files it reads.</summary>
public sealed class RetrainOptions
{
    /// <summary>Epochs of a retrain run.</summary>
    [ConfigurationKeyName("TRAINING_EPOCHS"), Range(1, 100)]
    [Description("epochs of a retrain run")]
    public int Epochs { get; set; } = 3;

    /// <summary>Samples per optimizer step.</summary>
    [ConfigurationKeyName("TRAINING_BATCH_SIZE"), Range(1, 60_000)]
    [Description("samples per optimizer step")]
    public int BatchSize { get; set; } = 128;

    /// <summary>Seed of the weights, shuffle and dropout.</summary>
    [ConfigurationKeyName("TRAINING_SEED"), Range(0, int.MaxValue)]
    [Description("seed of weights, shuffle and dropout")]
    public int Seed { get; set; } = 42;

    /// <summary>libtorch threads while training; 0 = every core.</summary>
    [ConfigurationKeyName("TRAINING_THREADS"), Range(0, 1024)]
    [Description("libtorch threads while training; 0 = every core")]
    public int Threads { get; set; }

    /// <summary>Train on the first this-many images only; 0 = all 60,000 (tests, demos).</summary>
    [ConfigurationKeyName("TRAINING_SAMPLES"), Range(0, 60_000)]
    [Description("train on the first N images only; 0 = all 60,000")]
    public int Samples { get; set; }

    /// <summary>
    /// The publish rule: a finished run's model is served only if its test accuracy is at most this much (a fraction)
    /// below the served model's; otherwise it is stored but not served. Unset: always served.
    /// </summary>
    [ConfigurationKeyName("PUBLISH_MAX_ACCURACY_DROP"), Range(0.0, 1.0)]
    [Description("serve a finished run's model only if its test accuracy is at most this fraction below the served model's (e.g. 0.002); unset = always")]
    public double? MaxAccuracyDrop { get; set; }

    /// <summary>Folder of the four MNIST IDX files.</summary>
    [ConfigurationKeyName("MNIST_PATH"), ContentPath, Required]
    [Description("folder of the four MNIST IDX files")]
    public string MnistPath { get; set; } = "data/mnist";
}
