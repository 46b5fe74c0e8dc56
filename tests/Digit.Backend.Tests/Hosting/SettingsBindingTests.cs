using Digit.Backend.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Tests.Hosting;

/// <summary>
/// The settings as AddDigitService binds them: the configuration binder reads the environment names users know, and
/// start-up validation names every unusable setting, its value and what it accepts.
/// </summary>
public sealed class SettingsBindingTests
{
    [Fact]
    public void Bind_EnvironmentNames_SetTheOptions()
    {
        using var provider = DigitServices.Provider(new()
        {
            ["TRAINING_EPOCHS"] = " 5 ",
            ["TRAINING_AUGMENT"] = "",
            ["PUBLISH_MAX_ACCURACY_DROP"] = "0.01",
            ["MODEL_DIR"] = "some/models",
            ["SHIPPED_MODEL"] = "",
            ["REDIS_KEY_PREFIX"] = "other:",
        }, Root);

        var retrain = provider.GetRequiredService<IOptions<RetrainOptions>>().Value;
        var store = provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value;

        Assert.Equal(5, retrain.Epochs);
        Assert.Null(retrain.Augment);
        Assert.Equal(0.01, retrain.MaxAccuracyDrop);
        Assert.Equal(Path.Combine(Root, "some", "models"), store.Directory);
        Assert.Equal(Path.Combine(Root, "data", "mnist"), retrain.MnistPath);
        Assert.Null(store.ShippedModel);
        Assert.Equal("other:", provider.GetRequiredService<IOptions<RunStateOptions>>().Value.RedisKeyPrefix);
    }

    [Fact]
    public void ValidateOnStart_SeveralBadSettings_NamesEachWithItsValueAndWhatItAccepts()
    {
        // One options type whose value cannot be converted names only its conversion failures; the others all
        // name theirs.
        using var provider = DigitServices.Provider(new()
        {
            ["TRAINING_EPOCHS"] = "abc",
            ["TRAINING_AUGMENT"] = "sometimes",
            ["MODEL_POLL_MS"] = "10",
            ["MODEL_CONTAINER"] = " ",
            ["FEEDBACK_BURST"] = "-1",
            ["TRAINING_LEASE_SECONDS"] = "1",
            ["FRONTEND_URL"] = "localhost:3000",
        }, Root);

        var failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var message = StartupFailure.Describe(failure);

        Assert.NotNull(message);
        Assert.Contains("TRAINING_EPOCHS is 'abc': expected a whole number from 1 to 100.", message);
        Assert.Contains("TRAINING_AUGMENT is 'sometimes': expected true or false.", message);
        Assert.Contains("MODEL_POLL_MS is '10': expected a whole number from 50 to 60000.", message);
        Assert.Contains("MODEL_CONTAINER is empty: expected a text.", message);
        Assert.Contains("FEEDBACK_BURST is '-1': expected a whole number from 1 to 1000000.", message);
        Assert.Contains("TRAINING_LEASE_SECONDS is '1': expected a whole number from 3 to 3600.", message);
        Assert.Contains("FRONTEND_URL holds 'localhost:3000': expected origins such as http://localhost:3000, comma-separated.", message);
    }

    [Fact]
    public void ValidateOnStart_RangeAndRecipeWrong_NamesBoth()
    {
        using var provider = DigitServices.Provider(new()
        {
            ["PUBLISH_MAX_ACCURACY_DROP"] = "2",
            ["TRAINING_BATCH_SIZE"] = "0",
            ["TRAINING_RECIPE"] = "quick",
        }, Root);

        var failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var message = StartupFailure.Describe(failure);

        Assert.NotNull(message);
        Assert.Contains("PUBLISH_MAX_ACCURACY_DROP is '2': expected a number from 0 to 1.", message);
        Assert.Contains("TRAINING_BATCH_SIZE is '0': expected a whole number from 1 to 60000.", message);
        Assert.Contains("TRAINING_RECIPE is 'quick': expected one of fast, classic, canvas.", message);
    }

    [Fact]
    public void ValidateOnStart_OneBadSetting_IsThatOneSentence()
    {
        using var provider = DigitServices.Provider(new() { ["FEEDBACK_MAX"] = "0" }, Root);

        var failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("FEEDBACK_MAX is '0': expected a whole number from 1 to 10000000.", StartupFailure.Describe(failure));
    }

    [Fact]
    public void ValidateOnStart_Defaults_Pass()
    {
        using var provider = DigitServices.Provider([], Root);

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    private static string Root => Path.Combine(Path.GetTempPath(), "digit-settings-root");
}
