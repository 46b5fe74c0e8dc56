namespace Digit.Training.Training;

/// <summary>The learning rate at each optimizer step of a run of <c>totalSteps</c> steps.</summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public abstract double At(long step, long totalSteps);

    internal abstract void Validate();
}

/// <summary>Staircase decay: <see cref="Initial"/> multiplied by <see cref="Factor"/> every <see cref="Every"/> steps.</summary>
public sealed record StaircaseDecay(double Initial, double Factor, int Every) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double At(long step, long totalSteps) => Initial * Math.Pow(Factor, step / Every);

    internal override void Validate()
    {
        if (Initial <= 0) throw new ArgumentOutOfRangeException(nameof(Initial), Initial, "The learning rate must be positive.");
        if (Every < 1) throw new ArgumentOutOfRangeException(nameof(Every), Every, "Decay every one step or more.");
    }
}

/// <summary>
/// One cycle: the rate rises linearly from <see cref="Peak"/> / <see cref="StartDivisor"/> to <see cref="Peak"/>
/// over the first <see cref="WarmupFraction"/> of the run, then falls along a half cosine to
/// <see cref="Peak"/> / <see cref="EndDivisor"/> at the last step. It depends on the run's total steps, which a
/// checkpoint therefore carries.
/// </summary>
public sealed record OneCycle(double Peak, double WarmupFraction = 0.2, double StartDivisor = 25, double EndDivisor = 1e3) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double At(long step, long totalSteps)
    {
        var warmup = Math.Max(1, (long)Math.Round(WarmupFraction * totalSteps));
        var start = Peak / StartDivisor;
        var end = Peak / EndDivisor;
        if (step < warmup)
        {
            return start + (Peak - start) * step / warmup;
        }
        var falling = Math.Max(1, totalSteps - 1 - warmup);
        var progress = Math.Min(1.0, (double)(step - warmup) / falling);
        return end + (Peak - end) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }

    internal override void Validate()
    {
        if (Peak <= 0) throw new ArgumentOutOfRangeException(nameof(Peak), Peak, "The learning rate must be positive.");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "Warm up for a fraction of the run from 0 up to (not including) 1.");
        if (StartDivisor < 1 || EndDivisor < 1) throw new ArgumentOutOfRangeException(nameof(StartDivisor), "The divisors are 1 or more.");
    }
}
