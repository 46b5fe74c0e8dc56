using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// An activity of the retrain workflow failed (after its retries). The message is the activity's own error
/// message, so the run's final status tells the user what went wrong, not that "a task failed".
/// </summary>
public sealed class RetrainActivityException(TaskFailedException failure)
    : Exception(failure.FailureDetails.ErrorMessage, failure)
{
    /// <summary>The activity that failed.</summary>
    public string ActivityName { get; } = failure.TaskName;
}
