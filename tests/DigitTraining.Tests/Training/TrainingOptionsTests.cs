using Digit.Training.Model;
using Digit.Training.Training;

namespace Digit.Training.Tests.Training;

public sealed class TrainingOptionsTests
{
    [Fact]
    public void For_Fast_KeepsTheMeaningItWasReleasedWith()
    {
        // Runs carry their recipe by name: a run begun as "fast" must train every epoch as it began.
        var fast = TrainingOptions.For(TrainingRecipe.Fast);

        Assert.Equal(CnnArchitecture.Strided16Wide, fast.Architecture);
        Assert.Equal(2, fast.Epochs);
        Assert.Equal(256, fast.BatchSize);
        Assert.Equal(new OneCycle(Peak: 0.02), fast.Schedule);
        Assert.Equal(0.1, fast.LabelSmoothing);
        Assert.Null(fast.Augmentation);
        Assert.Equal(new TrainingOptions(), fast);
    }

    [Fact]
    public void DefaultRecipe_IsCanvas_FastsScheduleWithAugmentationThatKeepsTheInkSize()
    {
        var canvas = TrainingOptions.For(TrainingOptions.DefaultRecipe);

        Assert.Equal(TrainingRecipe.Canvas, TrainingOptions.DefaultRecipe);
        Assert.Equal(TrainingOptions.For(TrainingRecipe.Fast) with { Augmentation = canvas.Augmentation, LabelSmoothing = canvas.LabelSmoothing }, canvas);
        Assert.NotNull(canvas.Augmentation);
        Assert.True(canvas.Augmentation.KeepInkSize);
    }
}
