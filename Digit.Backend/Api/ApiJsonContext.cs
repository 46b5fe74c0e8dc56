using System.Text.Json.Serialization;

namespace Digit.Backend.Api;

/// <summary>
/// Serialization code for the answers of the prediction routes, made at build time: without it the first answer of
/// each type on a new instance waits while System.Text.Json reflects over the type and compiles its serializer.
/// Other answers fall back to reflection.
/// </summary>
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(AccuracyResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
