// A small ONNX graph writer over onnx-proto: typed inputs/outputs with symbolic dims, initialisers, nodes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type P = typeof onnxProto.onnx;
type ValueInfo = Parameters<P['ValueInfoProto']['create']>[0] & object;
type Attribute = Parameters<P['AttributeProto']['create']>[0] & object;
type NodeProto = Parameters<P['NodeProto']['create']>[0] & object;
type TensorProto = Parameters<P['TensorProto']['create']>[0] & object;

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool';
const ELEM: Record<ElemType, number> = { float32: 1, int64: 7, int32: 6, bool: 9 };

/** A dimension: a fixed size or a symbolic name such as `batch`. */
export type Dim = number | string;

type AttrValue = number | number[] | string | { floats: number[] } | { tensor: { dims: number[]; floats: number[] } };

function valueInfo(name: string, elem: ElemType, dims: readonly Dim[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): Attribute {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  return {
    name,
    type: A.TENSOR,
    t: { dims: value.tensor.dims, dataType: ELEM.float32, floatData: value.tensor.floats },
  };
}

/** Builds one graph. `op` returns the name(s) of the new node's output(s). */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: TensorProto[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, elem: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  /** Declares `source` as graph output `name` (through an Identity when the names differ). */
  output(name: string, elem: ElemType, dims: readonly Dim[], source: string): void {
    if (source !== name) this.nodes.push({ opType: 'Identity', input: [source], output: [name], name: `out_${name}` });
    this.outputs.push(valueInfo(name, elem, dims));
  }

  floats(values: ArrayLike<number>, dims: readonly number[], name = this.fresh('cf')): string {
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: ELEM.float32,
      rawData: new Uint8Array(Float32Array.from(values).buffer),
    });
    return name;
  }

  ints(values: readonly number[], dims: readonly number[] = [values.length], name = this.fresh('ci')): string {
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: ELEM.int64,
      rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
    });
    return name;
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.opN(opType, inputs, 1, attrs)[0]!;
  }

  opN(opType: string, inputs: readonly string[], outputs: number, attrs: Record<string, AttrValue> = {}): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      input: [...inputs],
      output: outs,
      name: this.fresh(`n_${opType}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Serialises to an ONNX ModelProto (IR 8, default opset `opset`, optional `com.microsoft`-free). */
  build(opset = 17, metadata: Record<string, string> = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'sam3-server demo-model generator',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private fresh(prefix: string): string {
    this.counter++;
    return `${prefix}_${this.counter}`;
  }
}
