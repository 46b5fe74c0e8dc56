using System.Text.Json.Serialization;

namespace Digit.Service.Api;

/// <summary>GET / : always "healthy" while the process answers; says whether a model is served and which.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("model_version")] string? ModelVersion);

/// <summary>POST /api/drawing/ : the digit and its probability in percent.</summary>
public sealed record PredictionResponse(
    [property: JsonPropertyName("prediction")] int Prediction,
    [property: JsonPropertyName("confidence")] double Confidence);

/// <summary>GET /api/model_accuracy/ : the served model's test accuracy as a fraction, or null.</summary>
public sealed record AccuracyResponse([property: JsonPropertyName("accuracy")] double? Accuracy);

/// <summary>The answers of the training routes that only carry a message (202 adds the run's links).</summary>
public sealed record MessageResponse([property: JsonPropertyName("message")] string Message);

/// <summary>POST /api/retrain_model/ : 202 with the run id and where to query its status.</summary>
public sealed record RetrainStartedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("statusQueryGetUri")] string StatusQueryGetUri)
{
    /// <summary>Further management links a host offers (the Durable ones on Azure).</summary>
    [JsonExtensionData]
    public Dictionary<string, object>? ManagementUrls { get; init; }
}

/// <summary>GET /api/check_model_status/ .</summary>
public sealed record ModelStatusResponse([property: JsonPropertyName("model_status")] string ModelStatus);

/// <summary>The contract's progress object; members left out when unknown.</summary>
public sealed record ProgressResponse(
    [property: JsonPropertyName("max_epochs")] int MaxEpochs,
    [property: JsonPropertyName("percentage")] double Percentage,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Accuracy);

/// <summary>The SSE close event: the run ended (or none was running) with this status.</summary>
public sealed record CloseEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>A run's status shaped like a Durable Functions instance status.</summary>
public sealed record RunStatusResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("runtimeStatus")] string RuntimeStatus,
    [property: JsonPropertyName("customStatus")] ProgressResponse? CustomStatus,
    [property: JsonPropertyName("output")] RunOutput? Output,
    [property: JsonPropertyName("createdTime")] DateTimeOffset CreatedTime,
    [property: JsonPropertyName("lastUpdatedTime")] DateTimeOffset LastUpdatedTime);

/// <summary>What a finished run returns: its final model_status, a message and the published model's accuracy.</summary>
public sealed record RunOutput(
    [property: JsonPropertyName("model_status")] string ModelStatus,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("accuracy")] double? Accuracy);
