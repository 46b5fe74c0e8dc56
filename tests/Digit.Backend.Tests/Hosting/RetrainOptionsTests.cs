using System.Text.Json;
using Digit.Backend.Hosting;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Training.Model;
using Digit.Training.Training;

namespace Digit.Backend.Tests.Hosting;

public sealed class RetrainOptionsTests
{
    [Fact]
    public void ToTrainingOptions_Defaults_AreTheCanvasRecipe()
    {
        var options = new RetrainOptions().ToTrainingOptions();

        Assert.Equal(TrainingOptions.For(TrainingRecipe.Canvas) with { Seed = 42 }, options);
        Assert.Empty(new RetrainOptions().Problems());
    }

    [Fact]
    public void ToTrainingOptions_ClassicRecipe_IsTheOldServicesRecipeWithItsThreeEpochs()
    {
        var options = new RetrainOptions { Recipe = " Classic " }.ToTrainingOptions();

        Assert.Equal(CnnArchitecture.Classic, options.Architecture);
        Assert.Equal(3, options.Epochs);
        Assert.Equal(128, options.BatchSize);
        Assert.IsType<StaircaseDecay>(options.Schedule);
    }

    [Fact]
    public void ToTrainingOptions_SetValues_OverrideTheRecipes()
    {
        var options = new RetrainOptions { Epochs = 12, BatchSize = 64, Augment = true, Seed = 3, Threads = 1 }.ToTrainingOptions();

        Assert.Equal(12, options.Epochs);
        Assert.Equal(64, options.BatchSize);
        Assert.NotNull(options.Augmentation);
        Assert.Equal(3, options.Seed);
        Assert.Equal(1, options.Threads);
    }

    [Theory]
    [InlineData("quick")]
    [InlineData("1")]
    [InlineData("")]
    public void Problems_UnknownRecipe_NamesTheSettingAndTheRecipes(string recipe)
    {
        var problem = Assert.Single(new RetrainOptions { Recipe = recipe }.Problems());

        Assert.Equal($"TRAINING_RECIPE is '{recipe}': expected one of fast, classic, canvas.", problem);
    }

    [Fact]
    public void NewRun_HoldsTheWholeRecipe()
    {
        var run = new RetrainOptions { Recipe = " Classic ", Augment = true, Seed = 7 }.NewRun("run-1");

        Assert.Equal(new RetrainInput("run-1", 3, 128, 7, "classic", true), run);
    }

    [Fact]
    public void NewRun_Defaults_AreTheCanvasRecipeAugmented()
    {
        var run = new RetrainOptions().NewRun("run-1");

        Assert.Equal(new RetrainInput("run-1", 2, 256, 42, "canvas", true), run);
    }

    [Fact]
    public void ForEpoch_RunBegunAsFast_TrainsAsFastAfterTheDefaultChanged()
    {
        // A run started before canvas became the default names fast, unaugmented: it ends as it began.
        var run = new RetrainInput("run-1", 2, 256, 42);

        var options = new RetrainOptions().ForEpoch(EpochRequest.Of(run, 2));

        Assert.Equal(TrainingOptions.For(TrainingRecipe.Fast) with { Seed = 42 }, options);
    }

    [Fact]
    public void ForEpoch_CanvasRunAugmented_UsesTheRecipesOwnAugmentation()
    {
        var run = new RetrainOptions { Recipe = "canvas" }.NewRun("run-1");

        var options = new RetrainOptions().ForEpoch(EpochRequest.Of(run, 1));

        Assert.Equal(TrainingOptions.For(TrainingRecipe.Canvas).Augmentation, options.Augmentation);
    }

    [Fact]
    public void ForEpoch_SettingsChangedSinceTheRunBegan_TrainsAsTheRunBegan()
    {
        var run = new RetrainOptions().NewRun("run-1");
        var changed = new RetrainOptions { Recipe = "classic", Epochs = 9, BatchSize = 32, Augment = true, Seed = 1, Threads = 1 };

        var options = changed.ForEpoch(EpochRequest.Of(run, 2));

        Assert.Equal(new RetrainOptions().ToTrainingOptions() with { Threads = 1 }, options);
    }

    [Fact]
    public void RetrainInput_RecordWithoutRecipe_ReadsAsTheFastRecipeUnaugmented()
    {
        var run = JsonSerializer.Deserialize<RetrainInput>("""{"runId":"run-1","epochs":2,"batchSize":256,"seed":42}""");

        Assert.Equal(new RetrainInput("run-1", 2, 256, 42, "fast", false), run);
    }
}
