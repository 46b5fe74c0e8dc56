using Digit.Training.Onnx.Proto;
using static Digit.Training.Onnx.Proto.AttributeProto.Types;

namespace Digit.Training.Onnx;

/// <summary>
/// Small factories for the ONNX messages the exporter writes. Every attribute carries its
/// <c>type</c>, which the IR requires, and every value is set explicitly so proto2 writes it even when it is 0.
/// </summary>
internal static class OnnxProtos
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A node in the default (ai.onnx) domain whose single output is named after the node.</summary>
    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = "" };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static TensorShapeProto.Types.Dimension Dim(long size) => new() { DimValue = size };

    public static TensorShapeProto.Types.Dimension Dim(string symbol) => new() { DimParam = symbol };

    /// <summary>A float32 tensor graph input or output of the given shape.</summary>
    public static ValueInfoProto FloatTensor(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
