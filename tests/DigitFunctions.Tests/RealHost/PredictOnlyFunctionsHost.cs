namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// The predict-only app (dotnet publish DigitFunctions -p:DigitApp=Predict) under the real Functions host, with
/// Azurite and redis-server as the full app has them, and the training app's URL set.
/// </summary>
public sealed class PredictOnlyFunctionsHost() : FunctionsHost(new Dictionary<string, string?> { ["TRAINING_APP_URL"] = TrainingAppUrl })
{
    /// <summary>The TRAINING_APP_URL this app is given.</summary>
    public const string TrainingAppUrl = "https://digit-train.example.net";

    /// <inheritdoc />
    protected override string DigitApp => "Predict";
}
