// Benchmark harness: records every ONNX graph call's outputs (run-length compressed) during one pass, then replays
// them in call order during a second pass, so the second pass measures the host pipeline with the model's cost
// removed. Patches GraphSession.prototype.run; for benchmarks only, never loaded by the product.
import { deserialize, serialize } from 'node:v8';
import { GraphSession, ort, type Feeds, type Fetches } from '../src/model/ort/graph-session.js';

type Values = Float32Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * One output tensor as runs of equal elements: `values[i]` up to (excluding) element `ends[i]`. Both are typed
 * arrays, so a long recording adds almost nothing for the garbage collector to trace during the replay.
 */
interface RecordedTensor {
  type: ort.Tensor.Type;
  dims: readonly number[];
  length: number;
  values: Values;
  ends: Int32Array;
}

/** Outputs at least this large are replayed into one reused buffer per output, rewriting only what changed. */
const SHARED_BUFFER_BYTES = 16 * 1024 * 1024;

function compress(t: ort.Tensor): RecordedTensor {
  const data = t.data as Values;
  const values: unknown[] = [];
  const ends: number[] = [];
  if (data instanceof Float32Array) {
    // The common case, kept monomorphic: most outputs are float32 and mostly constant.
    let start = 0;
    let v = data[0]!;
    for (let i = 1; i < data.length; i++) {
      const x = data[i]!;
      if (x === v || (x !== x && v !== v)) continue;
      values.push(v);
      ends.push(i);
      start = i;
      v = x;
    }
    if (data.length > start) {
      values.push(v);
      ends.push(data.length);
    }
  } else {
    let start = 0;
    for (let i = 1; i <= data.length; i++) {
      if (i < data.length && data[i] === data[start]) continue;
      values.push(data[start]);
      ends.push(i);
      start = i;
    }
  }
  const typed = new (data.constructor as new (n: number) => Values)(values.length);
  values.forEach((v, i) => (typed[i] = v as never));
  return { type: t.type, dims: [...t.dims], length: data.length, values: typed, ends: Int32Array.from(ends) };
}

function allocate(r: RecordedTensor): Values {
  switch (r.type) {
    case 'float32':
      return new Float32Array(r.length);
    case 'int32':
      return new Int32Array(r.length);
    case 'int64':
      return new BigInt64Array(r.length);
    case 'bool':
    case 'uint8':
      return new Uint8Array(r.length);
    default:
      throw new Error(`graph-replay: unsupported output type ${r.type}`);
  }
}

function fillAll(into: Values, r: RecordedTensor): void {
  let start = 0;
  for (let k = 0; k < r.ends.length; k++) {
    (into.fill as (v: unknown, s: number, e: number) => void)(r.values[k], start, r.ends[k]!);
    start = r.ends[k]!;
  }
}

/** Rewrites `into` (holding `previous`) to hold `next`, touching only ranges whose values differ. */
function fillChanged(into: Values, previous: RecordedTensor, next: RecordedTensor): void {
  let a = 0;
  let b = 0;
  let at = 0;
  while (at < next.length) {
    const end = Math.min(previous.ends[a]!, next.ends[b]!);
    if (previous.values[a] !== next.values[b]) (into.fill as (v: unknown, s: number, e: number) => void)(next.values[b], at, end);
    at = end;
    if (previous.ends[a] === end) a++;
    if (next.ends[b] === end) b++;
  }
}

export class GraphReplay {
  private readonly calls = new Map<string, RecordedTensor[][]>();
  private readonly original = GraphSession.prototype.run;
  /** Time spent compressing outputs while recording (to subtract from the recorded pass's graph time). */
  recordMs = 0;

  /** Runs the real graphs and keeps each call's outputs. */
  record(): void {
    const original = this.original;
    const keep = (label: string, out: Fetches): void => {
      const started = performance.now();
      const list = this.calls.get(label) ?? [];
      list.push(Object.entries(out).map(([name, t]) => Object.assign(compress(t), { name })));
      this.calls.set(label, list);
      this.recordMs += performance.now() - started;
    };
    GraphSession.prototype.run = async function (this: GraphSession, feeds: Feeds, outputs?: readonly string[]): Promise<Fetches> {
      const out = await original.call(this, feeds, outputs);
      keep(this.label, out);
      return out;
    };
  }

  /**
   * Answers each graph call with the recorded outputs of the same call number of the same graph (only those the
   * call asks for, as ORT does).
   */
  replay(): void {
    const next = new Map<string, number>();
    const shared = new Map<string, { data: Values; holds: RecordedTensor }>();
    const calls = this.calls;
    GraphSession.prototype.run = async function (this: GraphSession, _feeds: Feeds, outputs?: readonly string[]): Promise<Fetches> {
      const n = next.get(this.label) ?? 0;
      next.set(this.label, n + 1);
      const recorded = calls.get(this.label)?.[n];
      if (!recorded) throw new Error(`graph-replay: ${this.label} was called more often than when recorded (call ${n + 1})`);
      const out: Fetches = {};
      for (const r of recorded as Array<RecordedTensor & { name: string }>) {
        if (outputs && !outputs.includes(r.name)) continue;
        let data: Values;
        const key = `${this.label}:${r.name}`;
        const buffer = shared.get(key);
        if (buffer && buffer.holds.length === r.length) {
          fillChanged(buffer.data, buffer.holds, r);
          buffer.holds = r;
          data = buffer.data;
        } else {
          data = allocate(r);
          fillAll(data, r);
          if (data.byteLength >= SHARED_BUFFER_BYTES) shared.set(key, { data, holds: r });
        }
        out[r.name] = new ort.Tensor(r.type, data as Float32Array, r.dims);
      }
      return out;
    };
  }

  /** The recording, to replay in another process (`GraphReplay.from`). */
  serialize(): Buffer {
    return serialize([...this.calls]);
  }

  static from(recording: Buffer): GraphReplay {
    const replay = new GraphReplay();
    for (const [label, list] of deserialize(recording) as Array<[string, RecordedTensor[][]]>) replay.calls.set(label, list);
    return replay;
  }

  /** Recorded calls per graph file. */
  get callCounts(): Record<string, number> {
    return Object.fromEntries([...this.calls].map(([label, list]) => [label.split('/').pop()!, list.length]));
  }

  restore(): void {
    GraphSession.prototype.run = this.original;
  }
}
