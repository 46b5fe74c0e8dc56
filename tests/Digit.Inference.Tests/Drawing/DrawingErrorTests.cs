using Digit.Inference.Drawing;

namespace Digit.Inference.Tests.Drawing;

public sealed class DrawingErrorTests
{
    public static TheoryData<DrawingErrorKind> AllKinds => new(Enum.GetValues<DrawingErrorKind>());

    [Fact]
    public void Status_TooLarge_Is413()
    {
        Assert.Equal(413, new DrawingError(DrawingErrorKind.TooLarge, "x").Status);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Status_EveryOtherKind_Is400(DrawingErrorKind kind)
    {
        if (kind != DrawingErrorKind.TooLarge)
        {
            Assert.Equal(400, DrawingError.StatusOf(kind));
        }
    }

    [Fact]
    public void Message_EveryKind_IsShortAndDistinct()
    {
        var messages = Enum.GetValues<DrawingErrorKind>().Select(DrawingError.MessageOf).ToList();

        Assert.All(messages, message => Assert.InRange(message.Length, 5, 30));
        Assert.Equal(messages.Count, messages.Distinct().Count());
    }

    [Fact]
    public void Constructor_KindAndDetail_CarriesErrorInMessage()
    {
        var exception = new DrawingException(DrawingErrorKind.BadBase64, "Not base64.");

        Assert.Equal(DrawingErrorKind.BadBase64, exception.Kind);
        Assert.Equal("Bad base64: Not base64.", exception.Message);
        Assert.Equal(400, exception.Error.Status);
    }
}
