namespace Digit.Service.Retraining;

/// <summary>Turns a failure inside a run into a sentence a user can act on.</summary>
public static class RetrainFailure
{
    public static string Describe(Exception exception)
    {
        // Awaiting tasks can wrap the step's exception; the innermost one says what happened.
        var inner = exception;
        while (inner is AggregateException { InnerException: not null })
        {
            inner = inner.InnerException!;
        }
        return inner.Message;
    }
}
