using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Digit.Service.Hosting;

/// <summary>
/// Reads <see cref="DigitOptions"/> from the flat environment-variable names the old service and the Azure
/// app settings use (MODEL_DIR, FRONTEND_URL, REDIS_URL, ...); anything unset keeps its default.
/// </summary>
public sealed class DigitOptionsSetup(IConfiguration configuration) : IConfigureOptions<DigitOptions>
{
    public void Configure(DigitOptions options)
    {
        options.ModelDirectory = configuration["MODEL_DIR"] is { Length: > 0 } modelDirectory ? modelDirectory : options.ModelDirectory;
        options.ShippedModelPath = configuration["SHIPPED_MODEL"] ?? options.ShippedModelPath;
        if (configuration["FRONTEND_URL"] is { Length: > 0 } origins)
        {
            options.FrontendOrigins = origins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(origin => origin.TrimEnd('/'))
                .ToArray();
        }
        options.RedisUrl = configuration["REDIS_URL"] is { Length: > 0 } redis ? redis : options.RedisUrl;
        options.RedisKeyPrefix = configuration["REDIS_KEY_PREFIX"] ?? options.RedisKeyPrefix;
        options.ModelStorageConnection = configuration["MODEL_STORAGE"] is { Length: > 0 } storage ? storage : options.ModelStorageConnection;
        options.ModelContainer = configuration["MODEL_CONTAINER"] is { Length: > 0 } container ? container : options.ModelContainer;
        if (ReadInt("MODEL_POLL_MS") is int pollMilliseconds and > 0)
        {
            options.ModelPollInterval = TimeSpan.FromMilliseconds(pollMilliseconds);
        }
        options.TrainingEpochs = ReadInt("TRAINING_EPOCHS") ?? options.TrainingEpochs;
        options.TrainingBatchSize = ReadInt("TRAINING_BATCH_SIZE") ?? options.TrainingBatchSize;
        options.TrainingSeed = ReadInt("TRAINING_SEED") ?? options.TrainingSeed;
        options.TrainingThreads = ReadInt("TRAINING_THREADS") ?? options.TrainingThreads;
        options.TrainingSamples = ReadInt("TRAINING_SAMPLES") ?? options.TrainingSamples;
        if (ReadInt("TRAINING_LEASE_SECONDS") is int leaseSeconds and > 0)
        {
            options.TrainingLease = TimeSpan.FromSeconds(leaseSeconds);
        }
        options.MnistPath = configuration["MNIST_PATH"] is { Length: > 0 } mnist ? mnist : options.MnistPath;
    }

    private int? ReadInt(string key) => int.TryParse(configuration[key], out var value) ? value : null;
}
