namespace Digit.Inference.Corrections;

/// <summary>
/// A person's word on what a drawing shows: the 28x28 image the network saw (784 bytes, row by row, 0 = background,
/// 255 = ink, as in the MNIST files), its true <paramref name="Label"/>, when it came, the model version that was
/// served then and what that model predicted. <paramref name="Id"/> is the content hash of the image, so the same
/// drawing always has the same id; <paramref name="HeldOut"/> follows from it and is never trained on.
/// </summary>
public sealed record Correction(
    string Id,
    byte[] Pixels,
    int Label,
    DateTimeOffset ReceivedAt,
    string? ModelVersion,
    int? Predicted,
    bool HeldOut);

/// <summary>
/// Where corrections live: beside the models (the model folder locally, the model container on Azure), so that they
/// survive restarts, every instance shares them and a training activity can read them.
/// </summary>
public interface ICorrectionStore
{
    /// <summary>
    /// Stores <paramref name="correction"/>; when a correction with its id is there already, that one is kept (its
    /// label replaced by the new one) and <c>Created</c> is false.
    /// </summary>
    Task<(Correction Stored, bool Created)> AddAsync(Correction correction, CancellationToken cancellationToken);

    /// <summary>Every stored correction, ordered by id (so a seeded run sees them in the same order everywhere).</summary>
    Task<IReadOnlyList<Correction>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The correction with <paramref name="id"/>, or null when there is none (or the id is malformed).</summary>
    Task<Correction?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The ids of every stored correction, ordered: a cheap listing (names only) for counts, since whether a correction
    /// is held out follows from its id (<see cref="CorrectionIds.IsHeldOut"/>).
    /// </summary>
    Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken);

    /// <summary>How many corrections are stored.</summary>
    Task<int> CountAsync(CancellationToken cancellationToken);

    /// <summary>Removes a correction; false when there was none with that id.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
