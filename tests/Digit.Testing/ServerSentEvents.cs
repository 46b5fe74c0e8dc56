using System.Text.Json;

namespace Digit.Testing;

/// <summary>Reads the text of a <c>text/event-stream</c> response that a test captured whole or in part.</summary>
public static class ServerSentEvents
{
    /// <summary>
    /// The JSON of each complete event with data (its <c>data:</c> lines; other fields such as <c>retry:</c> are left
    /// out, as EventSource does); one still being written (no "\n\n" yet) is left out.
    /// </summary>
    public static IReadOnlyList<JsonElement> DataEvents(string text)
    {
        var end = text.LastIndexOf("\n\n", StringComparison.Ordinal);
        var complete = end < 0 ? string.Empty : text[..end];
        return complete.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n').Where(line => line.StartsWith("data: ", StringComparison.Ordinal)).Select(line => line["data: ".Length..]).ToArray())
            .Where(data => data.Length > 0)
            .Select(data => JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone())
            .ToArray();
    }
}
