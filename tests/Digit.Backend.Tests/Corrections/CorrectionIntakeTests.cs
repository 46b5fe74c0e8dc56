using Digit.Backend.Corrections;
using Digit.Backend.Hosting;
using Digit.Inference.Corrections;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Backend.Tests.Corrections;

/// <summary>The cap over a real folder store; a second store over the same folder plays another instance.</summary>
public sealed class CorrectionIntakeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("digit-intake-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
    private readonly FileSystemCorrectionStore _store;
    private readonly FileSystemCorrectionStore _otherInstance;

    public CorrectionIntakeTests()
    {
        _store = NewStore();
        _otherInstance = NewStore();
    }

    public void Dispose()
    {
        _store.Dispose();
        _otherInstance.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TakeAsync_AtTheCap_RefusesNewAndTakesRepeatsWithTheirNewLabel()
    {
        using var intake = Intake(max: 3);
        for (var seed = 0; seed < 3; seed++)
        {
            Assert.Equal(IntakeOutcome.Created, (await intake.TakeAsync(Correction(seed), CancellationToken.None)).Outcome);
        }

        var refused = await intake.TakeAsync(Correction(3), CancellationToken.None);
        var repeat = await intake.TakeAsync(Correction(0) with { Label = 9 }, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Full, null, 3), (refused.Outcome, refused.Stored, refused.StoredCount));
        Assert.Equal(IntakeOutcome.Repeated, repeat.Outcome);
        Assert.Equal(9, (await _store.GetAsync(Correction(0).Id, CancellationToken.None))!.Label);
        Assert.Equal(3, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TakeAsync_NearTheCap_CountsEveryTimeSoAnotherInstancesAddsAreSeen()
    {
        // Slack is 10: with one added, the estimate is within it of a cap of 11.
        using var intake = Intake(max: 11);
        await intake.TakeAsync(Correction(0), CancellationToken.None);
        for (var seed = 1; seed < 11; seed++)
        {
            await _otherInstance.AddAsync(Correction(seed), CancellationToken.None);
        }

        var refused = await intake.TakeAsync(Correction(11), CancellationToken.None);

        Assert.Equal(IntakeOutcome.Full, refused.Outcome);
        Assert.Equal(11, await _store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TakeAsync_FarFromTheCapAfterAMinute_CountsAgain()
    {
        // Slack is 10: with one added, the estimate is far from a cap of 15 until the count is a minute old.
        using var intake = Intake(max: 15);
        await intake.TakeAsync(Correction(0), CancellationToken.None);
        for (var seed = 1; seed < 15; seed++)
        {
            await _otherInstance.AddAsync(Correction(seed), CancellationToken.None);
        }
        _time.Advance(CorrectionIntake.RecountAfter);

        var refused = await intake.TakeAsync(Correction(15), CancellationToken.None);

        Assert.Equal((IntakeOutcome.Full, 15), (refused.Outcome, refused.StoredCount));
    }

    private CorrectionIntake Intake(int max) => new(
        _store, Options.Create(new FeedbackOptions { MaxCorrections = max }), _time, NullLogger<CorrectionIntake>.Instance);

    private FileSystemCorrectionStore NewStore() =>
        new(new FileSystemModelStoreOptions { Folder = _folder }, NullLogger<FileSystemCorrectionStore>.Instance);

    private static Correction Correction(int seed)
    {
        var pixels = new byte[CorrectionIds.PixelCount];
        new Random(seed).NextBytes(pixels);
        return CorrectionIds.Create(pixels, seed % 10, DateTimeOffset.UnixEpoch, "v1", 0);
    }
}
