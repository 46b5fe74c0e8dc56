using System.Text.Json;

namespace Digit.Testing;

/// <summary>Reads the text of a <c>text/event-stream</c> response that a test captured whole or in part.</summary>
public static class ServerSentEvents
{
    /// <summary>The JSON of each complete <c>data:</c> event; one still being written (no "\n\n" yet) is left out.</summary>
    public static IReadOnlyList<JsonElement> DataEvents(string text)
    {
        var end = text.LastIndexOf("\n\n", StringComparison.Ordinal);
        var complete = end < 0 ? string.Empty : text[..end];
        return complete.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.Clone())
            .ToArray();
    }
}
