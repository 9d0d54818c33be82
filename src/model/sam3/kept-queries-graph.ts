// The concept decoder with its kept queries selected inside the graph: a few nodes appended to the loaded model
// compute each query's score σ(logit)·σ(presence), keep those above a `kept_threshold` input, and gather only their
// mask logits (`kept_masks`, with their indices `kept_queries`). So ONNX Runtime copies out the masks a request keeps
// instead of all 200 (66 MB a concept at 288²), and the host no longer churns a large buffer per concept.
import onnxProto from 'onnx-proto';
import { PCS } from './manifest.js';

const { onnx } = onnxProto;

export const KEPT = {
  threshold: 'sam3_kept_threshold',
  masks: 'sam3_kept_masks',
  queries: 'sam3_kept_queries',
} as const;

/**
 * How far below the request's threshold the graph selects: well above float32 rounding of σ(a)·σ(b), so the graph
 * keeps a superset of the queries the host's exact test (float64 from the same logits) keeps.
 */
export const KEPT_MARGIN = 1e-4;

/** Lowest opset whose Cast, Greater, NonZero, Gather, Reshape, Sigmoid and Mul behave as used here. */
const MIN_OPSET = 9;

/**
 * The decoder model with the selection appended, or undefined where it cannot be added (outputs not named as the PCS
 * contract says, an old opset, bytes that are no model). Weights in external files stay there: open the result with
 * the original's directory as ONNX Runtime's external-initializer folder.
 */
export function withKeptQueries(model: Uint8Array): Uint8Array | undefined {
  let proto;
  try {
    proto = onnx.ModelProto.decode(model);
  } catch {
    return undefined;
  }
  const graph = proto.graph;
  if (!graph) return undefined;
  const opset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  const needed = [PCS.decoder.masks, PCS.decoder.logits, PCS.decoder.presence];
  if (Number(opset ?? 0) < MIN_OPSET || !needed.every((n) => outputs.has(n))) return undefined;
  const names = new Set([...(graph.node ?? []).flatMap((n) => n.output ?? []), ...outputs]);
  if (names.has(KEPT.masks) || names.has(KEPT.queries)) return undefined;

  const t = (name: string) => `sam3_kept/${name}`;
  const node = (opType: string, input: string[], output: string, attribute: object[] = []) =>
    onnx.NodeProto.create({ opType, input, output: [output], name: t(opType + '_' + output), attribute });
  const toFloat = onnx.AttributeProto.create({
    name: 'to',
    type: onnx.AttributeProto.AttributeType.INT,
    i: onnx.TensorProto.DataType.FLOAT,
  });
  const masksType = (graph.output ?? []).find((o) => o.name === PCS.decoder.masks)?.type?.tensorType?.elemType;
  graph.initializer = [
    ...(graph.initializer ?? []),
    onnx.TensorProto.create({ name: t('flat'), dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [-1] }),
  ];
  graph.node = [
    ...(graph.node ?? []),
    // Scores in float32 whatever the graph's precision (the threshold input is float32).
    node('Cast', [PCS.decoder.logits], t('logits_f32'), [toFloat]),
    node('Cast', [PCS.decoder.presence], t('presence_f32'), [toFloat]),
    node('Sigmoid', [t('logits_f32')], t('query_prob')),
    node('Sigmoid', [t('presence_f32')], t('presence_prob')),
    node('Mul', [t('query_prob'), t('presence_prob')], t('score')),
    node('Greater', [t('score'), KEPT.threshold], t('keep')),
    node('Reshape', [t('keep'), t('flat')], t('keep_flat')),
    node('NonZero', [t('keep_flat')], t('nonzero')),
    node('Reshape', [t('nonzero'), t('flat')], KEPT.queries),
    node('Gather', [PCS.decoder.masks, KEPT.queries], KEPT.masks, [
      onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
    ]),
  ];
  const tensor = (name: string, elemType: number, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
  const F32 = onnx.TensorProto.DataType.FLOAT;
  graph.input = [...(graph.input ?? []), tensor(KEPT.threshold, F32, [1])];
  graph.output = [
    ...(graph.output ?? []),
    tensor(KEPT.queries, onnx.TensorProto.DataType.INT64, ['kept']),
    tensor(KEPT.masks, masksType ?? F32, [1, 'kept', 'mask_height', 'mask_width']),
  ];
  return onnx.ModelProto.encode(proto).finish();
}
