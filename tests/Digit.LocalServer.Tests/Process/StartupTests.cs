using System.Net.Http.Json;
using System.Text.Json;
using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.LocalServer.Tests.Process;

/// <summary>
/// Start-up as a user meets it: a setting that cannot be used stops the server with one line naming it (and never
/// a secret), and relative settings lead to the repository whatever the working directory.
/// </summary>
public sealed class StartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Start_RedisUnreachable_ExitsWithOneLineNamingTheUrl()
    {
        var url = $"redis://127.0.0.1:{ServerProcess.FindFreePort()}/0";

        var (exitCode, output) = await LocalServerProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["REDIS_URL"] = url }, ExitTimeout);

        Assert.Equal(1, exitCode);
        Assert.Contains($"The local server cannot start: Redis at REDIS_URL '{url}' cannot be reached", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Start_TrainingEpochsNotANumber_ExitsNamingTheSettingAndWhatItAccepts()
    {
        var (exitCode, output) = await LocalServerProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["TRAINING_EPOCHS"] = "abc" }, ExitTimeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("The local server cannot start: TRAINING_EPOCHS is 'abc': expected a whole number from 1 to 100.", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("70000")]
    public async Task Start_PortUnusable_ExitsNamingPortAndWhatItAccepts(string port)
    {
        var (exitCode, output) = await LocalServerProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["PORT"] = port }, ExitTimeout);

        Assert.Equal(1, exitCode);
        Assert.Contains($"The local server cannot start: PORT is '{port}': expected a whole number from 1 to 65535.", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Start_SeveralBadSettings_NamesEachOnOneLine()
    {
        var (exitCode, output) = await LocalServerProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["TRAINING_BATCH_SIZE"] = "0",
            ["MODEL_POLL_MS"] = "fast",
            ["FRONTEND_URL"] = "localhost:3000",
        }, ExitTimeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("The local server cannot start:", StringComparison.Ordinal));
        Assert.Contains("TRAINING_BATCH_SIZE is '0': expected a whole number from 1 to 60000.", line);
        Assert.Contains("MODEL_POLL_MS is 'fast': expected a whole number from 50 to 60000.", line);
        Assert.Contains("FRONTEND_URL", line);
    }

    [Theory]
    [InlineData("redis://digit:s3cr3t-pa55@127.0.0.1:{port}/0")]
    [InlineData("redis://:s3cr3t-pa55@127.0.0.1:{port}")]
    [InlineData("127.0.0.1:{port},password=s3cr3t-pa55,abortConnect=false")]
    public async Task Start_RedisUrlWithAPassword_NeverShowsThePassword(string template)
    {
        var url = template.Replace("{port}", ServerProcess.FindFreePort().ToString(), StringComparison.Ordinal);

        var (exitCode, output) = await LocalServerProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["REDIS_URL"] = url }, ExitTimeout);

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot be reached", output);
        Assert.Contains("***", output);
        Assert.DoesNotContain("s3cr3t-pa55", output);
    }

    [Fact]
    public async Task Start_FromAnotherWorkingDirectoryWithTheDefaultPaths_ServesTheShippedModelAndFindsMnist()
    {
        var elsewhere = Directory.CreateTempSubdirectory("digit-elsewhere-").FullName;
        try
        {
            // No SHIPPED_MODEL or MNIST_PATH: the defaults models/digits.onnx and data/mnist are relative to the repository.
            await using var server = await LocalServerProcess.StartAsync(new Dictionary<string, string?>
            {
                ["SHIPPED_MODEL"] = null,
                ["MNIST_PATH"] = null,
                ["TRAINING_EPOCHS"] = "1",
                ["TRAINING_SAMPLES"] = "1000",
            }, workingDirectory: elsewhere);

            var health = await server.GetJsonAsync("/");
            using var started = await server.Client.PostAsync("/api/retrain_model/", null);
            var events = await ProgressEvents.ReadAllAsync(server.Client, TimeSpan.FromMinutes(3));

            Assert.True(health.GetProperty("ready").GetBoolean());
            Assert.Equal("completed", events[^1].Data.GetProperty("reason").GetString());
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
