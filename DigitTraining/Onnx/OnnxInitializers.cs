using System.Buffers.Binary;
using Digit.Training.Onnx.Proto;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;

namespace Digit.Training.Onnx;

/// <summary>Copies a module parameter into an ONNX initializer: float32, little-endian <c>raw_data</c>, same shape and layout.</summary>
internal static class OnnxInitializers
{
    public static TensorProto FromParameter(string name, Tensor parameter)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // detach() gives a new handle owned by this scope, so nothing below can dispose the module's parameter.
        var values = parameter.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            // raw is never written again, so the message can keep it without a copy.
            RawData = UnsafeByteOperations.UnsafeWrap(raw),
        };
        tensor.Dims.AddRange(parameter.shape);
        return tensor;
    }
}
