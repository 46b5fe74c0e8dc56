using Digit.Training.Training;

namespace Digit.Training.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void OneCycle_RisesToThePeakAtTheEndOfWarmUpThenFallsToItsFloorAtTheLastStep()
    {
        var schedule = new OneCycle(Peak: 0.01, WarmupFraction: 0.2, StartDivisor: 25, EndDivisor: 1000);
        const long total = 100;

        var rates = Enumerable.Range(0, (int)total).Select(step => schedule.At(step, total)).ToArray();

        Assert.Equal(0.01 / 25, rates[0], 12);
        Assert.Equal(0.01, rates[20], 12);
        Assert.Equal(0.01 / 1000, rates[^1], 12);
        Assert.True(rates.Take(21).Zip(rates.Skip(1).Take(20)).All(pair => pair.First < pair.Second), "the warm-up rises");
        Assert.True(rates.Skip(20).Zip(rates.Skip(21)).All(pair => pair.First > pair.Second), "the cycle then falls");
    }

    [Fact]
    public void OneCycle_DependsOnTheRunLength()
    {
        var schedule = new OneCycle(Peak: 0.01);

        Assert.NotEqual(schedule.At(50, 100), schedule.At(50, 1000));
    }

    [Fact]
    public void StaircaseDecay_MultipliesByTheFactorEveryInterval()
    {
        var schedule = new StaircaseDecay(Initial: 1e-3, Factor: 0.5, Every: 10);

        Assert.Equal(1e-3, schedule.At(9, 1000));
        Assert.Equal(5e-4, schedule.At(10, 1000));
        Assert.Equal(2.5e-4, schedule.At(25, 1000));
    }
}
