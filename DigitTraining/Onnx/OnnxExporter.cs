using Digit.Inference.Models;
using Digit.Training.Model;
using Digit.Training.Onnx.Proto;
using Google.Protobuf;

namespace Digit.Training.Onnx;

/// <summary>
/// Writes a <see cref="DigitCnn"/> as an ONNX model (IR version 8, opset 13) for inference:
/// input <c>input</c> float[batch, 1, 28, 28] scaled to 0..1, output <c>probabilities</c> float[batch, 10].
/// The weights are copied as they are now; the module is not changed.
/// </summary>
public static class OnnxExporter
{
    internal const string InputName = "input";
    internal const string OutputName = "probabilities";
    internal const string BatchDimension = "batch";
    internal const long IrVersion = 8;
    internal const long OpsetVersion = 13;
    internal const string ProducerName = "Digit";

    /// <summary>The serialized ONNX model.</summary>
    public static byte[] Export(DigitCnn model, OnnxModelInfo info) => BuildModel(model, info).ToByteArray();

    /// <summary>Writes the serialized ONNX model to <paramref name="destination"/>, which is left open.</summary>
    public static void Export(DigitCnn model, OnnxModelInfo info, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, info).WriteTo(destination);
    }

    /// <summary>
    /// <paramref name="onnxModel"/> with one metadata entry set (added, or its value replaced), everything else as it
    /// was: what a model learns about itself after export, such as its drawings accuracy, goes into the file too.
    /// </summary>
    public static byte[] WithMetadata(byte[] onnxModel, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        var proto = ModelProto.Parser.ParseFrom(onnxModel);
        var entry = proto.MetadataProps.FirstOrDefault(property => property.Key == key);
        if (entry is null)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        else
        {
            entry.Value = value;
        }
        return proto.ToByteArray();
    }

    internal static ModelProto BuildModel(DigitCnn model, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            Graph = DigitCnnGraph.Build(model),
        };
        // The empty domain is the default ai.onnx operator set.
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in info.ToMetadata())
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return proto;
    }
}
