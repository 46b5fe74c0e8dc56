using System.ComponentModel.DataAnnotations;

namespace Digit.Service.Hosting;

/// <summary>
/// Settings of the backend, read from configuration (environment variables in practice) under the names
/// the old service used where it had one. Defaults suit a checkout of the repository.
/// </summary>
public sealed class DigitOptions
{
    /// <summary>Folder of the filesystem model store (MODEL_DIR).</summary>
    [Required]
    public string ModelDirectory { get; set; } = "data/models";

    /// <summary>The model shipped with the code, published when the store is empty (SHIPPED_MODEL).</summary>
    public string? ShippedModelPath { get; set; } = "models/digits.onnx";

    /// <summary>Origins allowed to call the API from a browser (FRONTEND_URL, comma-separated).</summary>
    public string[] FrontendOrigins { get; set; } = ["http://localhost:3000"];

    /// <summary>Redis connection for shared training state (REDIS_URL); in-memory state when empty.</summary>
    public string? RedisUrl { get; set; }

    /// <summary>Prefix of every Redis key (REDIS_KEY_PREFIX).</summary>
    public string RedisKeyPrefix { get; set; } = "digit:";

    /// <summary>Blob storage connection for the model store (MODEL_STORAGE); the filesystem store when empty.</summary>
    public string? ModelStorageConnection { get; set; }

    /// <summary>Blob container of the model store (MODEL_CONTAINER).</summary>
    public string ModelContainer { get; set; } = "digit-models";

    /// <summary>How often each instance looks for a newly published model (MODEL_POLL_MS).</summary>
    public TimeSpan ModelPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Epochs of a retrain run (TRAINING_EPOCHS).</summary>
    [Range(1, 100)]
    public int TrainingEpochs { get; set; } = 3;

    /// <summary>Samples per optimizer step (TRAINING_BATCH_SIZE).</summary>
    [Range(1, 60_000)]
    public int TrainingBatchSize { get; set; } = 128;

    /// <summary>Seed of a retrain run's weights, shuffle and dropout (TRAINING_SEED).</summary>
    public int TrainingSeed { get; set; } = 42;

    /// <summary>Train on the first this-many training images only (TRAINING_SAMPLES); 0 = all 60,000. For tests and demos.</summary>
    [Range(0, 60_000)]
    public int TrainingSamples { get; set; }

    /// <summary>libtorch threads while training (TRAINING_THREADS); 0 = every core.</summary>
    [Range(0, 1024)]
    public int TrainingThreads { get; set; }

    /// <summary>How long a run stays owned without a sign of life from its process (TRAINING_LEASE_SECONDS).</summary>
    public TimeSpan TrainingLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time between two events of the progress stream.</summary>
    public TimeSpan ProgressEventInterval { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Folder of the MNIST files that retraining reads (MNIST_PATH).</summary>
    public string MnistPath { get; set; } = "data/mnist";
}
