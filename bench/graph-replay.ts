// Benchmark harness: records every ONNX graph call's outputs (run-length compressed) during one pass, then replays
// them in call order during a second pass, so the second pass measures the host pipeline with the model's cost
// removed. Patches GraphSession.prototype.run; for benchmarks only, never loaded by the product.
import { deserialize, serialize } from 'node:v8';
import { GraphSession, ort, type Feeds, type Fetches } from '../src/model/ort/graph-session.js';

type Values = Float32Array | Int32Array | BigInt64Array | Uint8Array;
type ValuesConstructor = new (n: number) => Values;

const CONSTRUCTORS: Partial<Record<ort.Tensor.Type, ValuesConstructor>> = {
  float32: Float32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
  uint8: Uint8Array,
};

function constructorOf(type: ort.Tensor.Type): ValuesConstructor {
  const make = CONSTRUCTORS[type];
  if (!make) throw new Error(`graph-replay: unsupported output type ${type}`);
  return make;
}

/** A typed array that grows by doubling while recording, then is trimmed to its length. */
class Growable<T extends Values> {
  length = 0;
  constructor(public data: T) {}
  push(v: T[number]): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(1024, this.data.length * 2));
      bigger.set(this.data as never);
      this.data = bigger;
    }
    (this.data as unknown as Array<T[number]>)[this.length++] = v;
  }
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/**
 * The whole recording of one element type: every recorded tensor's runs of equal elements, concatenated. A tensor
 * is the runs [first, first + count): run k holds `values[k]` up to (excluding) element `ends[k]` of its tensor.
 * The recording is a handful of large typed arrays, whatever its length, so it gives the garbage collector almost
 * nothing to trace during the replay (per-tensor objects had doubled the heap objects each marking visited).
 */
interface RunPool {
  values: Values;
  ends: Int32Array;
}

/** What a graph's output is, stored once per distinct (name, type, dims). */
interface OutputKind {
  name: string;
  type: ort.Tensor.Type;
  dims: number[];
  length: number;
}

/** One graph's calls: per call, its output count, then (kind, first run, run count) per output. */
interface Tape {
  kinds: OutputKind[];
  calls: Int32Array;
  /** Offset of each call's entry in `calls`. */
  callStarts: Int32Array;
}

interface Recording {
  tapes: Array<[string, Tape]>;
  pools: Array<[ort.Tensor.Type, RunPool]>;
}

/** A recorded tensor as a range of its type's pool. */
interface TensorRuns {
  pool: RunPool;
  first: number;
  count: number;
}

/** Outputs at least this large are replayed into one reused buffer per output, rewriting only what changed. */
const SHARED_BUFFER_BYTES = 16 * 1024 * 1024;

function fillAll(into: Values, r: TensorRuns): void {
  const { values, ends } = r.pool;
  let start = 0;
  for (let k = r.first; k < r.first + r.count; k++) {
    (into.fill as (v: unknown, s: number, e: number) => void)(values[k], start, ends[k]!);
    start = ends[k]!;
  }
}

/** Rewrites `into` (holding `previous`) to hold `next`, touching only ranges whose values differ. */
function fillChanged(into: Values, previous: TensorRuns, next: TensorRuns, length: number): void {
  const pv = previous.pool.values;
  const pe = previous.pool.ends;
  const nv = next.pool.values;
  const ne = next.pool.ends;
  let a = previous.first;
  let b = next.first;
  let at = 0;
  while (at < length) {
    const end = Math.min(pe[a]!, ne[b]!);
    if (pv[a] !== nv[b]) (into.fill as (v: unknown, s: number, e: number) => void)(nv[b], at, end);
    at = end;
    if (pe[a] === end) a++;
    if (ne[b] === end) b++;
  }
}

class TapeRecorder {
  readonly kinds: OutputKind[] = [];
  private readonly kindIds = new Map<string, number>();
  readonly calls = new Growable(new Int32Array(0));
  readonly callStarts = new Growable(new Int32Array(0));

  kindOf(name: string, t: ort.Tensor): number {
    const key = `${name}|${t.type}|${t.dims.join(',')}`;
    let id = this.kindIds.get(key);
    if (id === undefined) {
      id = this.kinds.length;
      this.kinds.push({ name, type: t.type, dims: [...t.dims], length: t.size });
      this.kindIds.set(key, id);
    }
    return id;
  }

  finish(): Tape {
    return { kinds: this.kinds, calls: this.calls.trimmed(), callStarts: this.callStarts.trimmed() };
  }
}

class PoolRecorder {
  readonly values: Growable<Values>;
  readonly ends = new Growable(new Int32Array(0));
  constructor(type: ort.Tensor.Type) {
    this.values = new Growable(new (constructorOf(type))(0));
  }

  /** Appends a tensor's runs; returns [first run, run count]. */
  append(data: Values): [number, number] {
    const first = this.ends.length;
    let start = 0;
    for (let i = 1; i <= data.length; i++) {
      if (i < data.length && (data[i] === data[start] || (data[i] !== data[i] && data[start] !== data[start])))
        continue;
      this.values.push(data[start]!);
      this.ends.push(i);
      start = i;
    }
    return [first, this.ends.length - first];
  }

  finish(): RunPool {
    return { values: this.values.trimmed(), ends: this.ends.trimmed() };
  }
}

export class GraphReplay {
  private recording: Recording = { tapes: [], pools: [] };
  private readonly original = GraphSession.prototype.run;
  /** Time spent compressing outputs while recording (to subtract from the recorded pass's graph time). */
  recordMs = 0;

  /** Runs the real graphs and keeps each call's outputs (until `replay`, `serialize` or `restore`). */
  record(): void {
    const original = this.original;
    const tapes = new Map<string, TapeRecorder>();
    const pools = new Map<ort.Tensor.Type, PoolRecorder>();
    const keep = (label: string, out: Fetches): void => {
      const started = performance.now();
      let tape = tapes.get(label);
      if (!tape) tapes.set(label, (tape = new TapeRecorder()));
      const entries = Object.entries(out);
      tape.callStarts.push(tape.calls.length);
      tape.calls.push(entries.length);
      for (const [name, t] of entries) {
        let pool = pools.get(t.type);
        if (!pool) pools.set(t.type, (pool = new PoolRecorder(t.type)));
        const [first, count] = pool.append(t.data as Values);
        tape.calls.push(tape.kindOf(name, t));
        tape.calls.push(first);
        tape.calls.push(count);
      }
      this.recordMs += performance.now() - started;
    };
    GraphSession.prototype.run = async function (
      this: GraphSession,
      feeds: Feeds,
      outputs?: readonly string[],
    ): Promise<Fetches> {
      const out = await original.call(this, feeds, outputs);
      keep(this.label, out);
      return out;
    };
    this.finishRecording = () => {
      this.recording = {
        tapes: [...tapes].map(([label, t]) => [label, t.finish()]),
        pools: [...pools].map(([type, p]) => [type, p.finish()]),
      };
    };
  }

  private finishRecording: (() => void) | undefined;

  private settle(): Recording {
    this.finishRecording?.();
    this.finishRecording = undefined;
    return this.recording;
  }

  /**
   * Answers each graph call with the recorded outputs of the same call number of the same graph (only those the
   * call asks for, as ORT does).
   */
  replay(): void {
    const { tapes, pools } = this.settle();
    const tapeOf = new Map(tapes);
    const poolOf = new Map(pools);
    const next = new Map<string, number>();
    const shared = new Map<OutputKind, { data: Values; holds: TensorRuns }>();
    GraphSession.prototype.run = async function (
      this: GraphSession,
      _feeds: Feeds,
      outputs?: readonly string[],
    ): Promise<Fetches> {
      const n = next.get(this.label) ?? 0;
      next.set(this.label, n + 1);
      const tape = tapeOf.get(this.label);
      if (!tape || n >= tape.callStarts.length)
        throw new Error(`graph-replay: ${this.label} was called more often than when recorded (call ${n + 1})`);
      const out: Fetches = {};
      let at = tape.callStarts[n]!;
      const count = tape.calls[at++]!;
      for (let i = 0; i < count; i++, at += 3) {
        const kind = tape.kinds[tape.calls[at]!]!;
        if (outputs && !outputs.includes(kind.name)) continue;
        const runs: TensorRuns = {
          pool: poolOf.get(kind.type)!,
          first: tape.calls[at + 1]!,
          count: tape.calls[at + 2]!,
        };
        let data: Values;
        const buffer = shared.get(kind);
        if (buffer && buffer.data.length === kind.length) {
          fillChanged(buffer.data, buffer.holds, runs, kind.length);
          buffer.holds = runs;
          data = buffer.data;
        } else {
          data = new (constructorOf(kind.type))(kind.length);
          fillAll(data, runs);
          if (data.byteLength >= SHARED_BUFFER_BYTES) shared.set(kind, { data, holds: runs });
        }
        out[kind.name] = new ort.Tensor(kind.type, data as Float32Array, kind.dims);
      }
      return out;
    };
  }

  /** The recording, to replay in another process (`GraphReplay.from`). */
  serialize(): Buffer {
    return serialize(this.settle());
  }

  static from(recording: Buffer): GraphReplay {
    const replay = new GraphReplay();
    replay.recording = deserialize(recording) as Recording;
    return replay;
  }

  restore(): void {
    this.settle();
    GraphSession.prototype.run = this.original;
  }
}
