// Where a mask changes against the pixel above, found in WebAssembly SIMD for the COCO RLE encoder: 16 pixels of a
// row against 16 of the row above per step (foreground-ness compared, so any non-zero byte counts as 1), one bit per
// changed pixel, visited by count-trailing-zeros. Two passes over one copy of the rows: the first counts changes per
// column, the second writes each change's column-major position where the counting sort puts it.
import {
  block,
  br,
  brIf,
  type Code,
  ensureMemory,
  get,
  i32,
  i8x16,
  instantiate,
  loop,
  set,
  tee,
  v128,
  type WasmMemory,
  wasmModule,
} from '../wasm/assembler.js';

interface Exports {
  /** counts[x] += changes in column x (local columns), rows 1 … rows of the copy against the row above each. */
  count(base: number, stride: number, rows: number, blocks: number, counts: number): void;
  /** positions[counts[x]++] = (x0 + x)·h + yFrom + r for each change, in row order. */
  write(
    base: number,
    stride: number,
    rows: number,
    blocks: number,
    counts: number,
    positions: number,
    x0: number,
    h: number,
    yFrom: number,
  ): void;
  memory: WasmMemory;
}

/** The scan of both passes; `visit` runs with the local column in `lx` and the row index in `r`. */
function scan(visit: (lx: number, r: number) => Code, locals: { first: number; zero: number }): Code {
  const [base, stride, rows, blocks] = [0, 1, 2, 3];
  const f = locals.first;
  const [r, b, prev, cur, m, lx] = [f, f + 1, f + 2, f + 3, f + 4, f + 5];
  const zero = locals.zero;
  const perBit: Code = [
    ...[...get(b), ...i32.const(16), ...i32.mul, ...get(m), ...i32.ctz, ...i32.add, ...set(lx)],
    ...visit(lx, r),
    ...[...get(m), ...get(m), ...i32.const(1), ...i32.sub, ...i32.and, ...set(m)],
  ];
  const perBlock: Code = [
    ...[...get(cur), ...v128.load(0), ...get(zero), ...i8x16.eq, ...get(prev), ...v128.load(0), ...get(zero)],
    ...[...i8x16.eq, ...v128.xor, ...i8x16.bitmask, ...set(m)],
    ...block(loop([...get(m), ...i32.eqz], brIf(1), perBit, br(0))),
    ...[
      ...get(cur),
      ...i32.const(16),
      ...i32.add,
      ...set(cur),
      ...get(prev),
      ...i32.const(16),
      ...i32.add,
      ...set(prev),
    ],
  ];
  return [
    ...[...i32.const(0), ...i8x16.splat, ...set(zero), ...i32.const(0), ...set(r)],
    ...block(
      loop(
        [...get(r), ...get(rows), ...i32.geU],
        brIf(1),
        [...get(base), ...get(r), ...get(stride), ...i32.mul, ...i32.add, ...tee(prev), ...get(stride), ...i32.add],
        [...set(cur), ...i32.const(0), ...set(b)],
        block(
          loop(
            [...get(b), ...get(blocks), ...i32.geU],
            brIf(1),
            perBlock,
            [...get(b), ...i32.const(1)],
            [...[...i32.add, ...set(b)], ...br(0)],
          ),
        ),
        [...get(r), ...i32.const(1), ...i32.add, ...set(r)],
        br(0),
      ),
    ),
  ];
}

function kernelModule(): Uint8Array {
  const COUNTS = 4;
  // count: params base, stride, rows, blocks, counts; locals r, b, prev, cur, m, lx (i32), zero (v128).
  const countBody = scan(
    (lx) => {
      const at = [...get(COUNTS), ...get(lx), ...i32.const(4), ...i32.mul, ...i32.add];
      return [...at, ...at, ...i32.load(0), ...i32.const(1), ...i32.add, ...i32.store(0)];
    },
    { first: 5, zero: 11 },
  );
  // write: params base, stride, rows, blocks, counts, positions, x0, h, yFrom; locals r … lx from 9, idx, zero.
  const [POSITIONS, X0, H, YFROM, idx] = [5, 6, 7, 8, 15];
  const writeBody = scan(
    (lx, r) => {
      const at = [...get(COUNTS), ...get(lx), ...i32.const(4), ...i32.mul, ...i32.add];
      return [
        ...[...at, ...i32.load(0), ...set(idx)],
        ...[...get(POSITIONS), ...get(idx), ...i32.const(4), ...i32.mul, ...i32.add],
        ...[
          ...get(X0),
          ...get(lx),
          ...i32.add,
          ...get(H),
          ...i32.mul,
          ...get(YFROM),
          ...get(r),
          ...i32.add,
          ...i32.add,
        ],
        ...i32.store(0),
        ...[...at, ...get(idx), ...i32.const(1), ...i32.add, ...i32.store(0)],
      ];
    },
    { first: 9, zero: 16 },
  );
  return wasmModule([
    { name: 'count', params: 5, locals: { i32: 6, v128: 1 }, body: countBody },
    { name: 'write', params: 9, locals: { i32: 7, v128: 1 }, body: writeBody },
  ]);
}

let kernel: Exports | null | undefined;
/** The module's memory never shrinks: masks whose copy and changes would need more go to the JavaScript pass. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;
const ceil16 = (n: number): number => (n + 15) & ~15;

/**
 * The changes of `data` (row-major, width `w`, height `h`) against the pixel above, in rows [yFrom, yTo) (yFrom ≥ 1)
 * and columns [xFrom, xTo), sorted column-major as positions x·h + y, after `first` (positions to put first in each
 * column, already sorted within it: the encoder's row 0). Null where WebAssembly SIMD is missing, or where the
 * rows and their changes would take more than MAX_MEMORY_BYTES (the caller's JavaScript pass handles those).
 */
export function columnMajorChanges(
  data: Uint8Array,
  w: number,
  h: number,
  yFrom: number,
  yTo: number,
  xFrom: number,
  xTo: number,
  first: { xs: Uint32Array; ys: Uint32Array; n: number },
): Uint32Array | null {
  if (kernel === undefined) kernel = instantiate<Exports>(kernelModule());
  if (!kernel) return null;
  const rows = Math.max(0, yTo - yFrom);
  const c0 = xFrom & ~15;
  const c1 = Math.min(w, Math.max(c0, xTo));
  const cols = c1 - c0;
  const stride = Math.max(16, ceil16(cols));
  const blocks = ceil16(cols) / 16;
  // Layout: the rows yFrom − 1 … yTo − 1 (zero-padded to `stride`), the per-column counts, then the positions.
  const countsAt = ceil16((rows + 1) * stride);
  const positionsAt = countsAt + 4 * (cols + 1);
  if (positionsAt > MAX_MEMORY_BYTES) return null;
  ensureMemory(kernel.memory, positionsAt);
  let bytes = new Uint8Array(kernel.memory.buffer);
  if (rows > 0 && cols > 0)
    for (let r = 0; r <= rows; r++) {
      const at = r * stride;
      const y = yFrom - 1 + r;
      bytes.set(data.subarray(y * w + c0, y * w + c1), at);
      bytes.fill(0, at + cols, at + stride);
    }
  let counts = new Uint32Array(kernel.memory.buffer, countsAt, cols + 1);
  counts.fill(0);
  if (rows > 0 && cols > 0) kernel.count(0, stride, rows, blocks, countsAt);
  // Counting sort over every column of the image: the first positions, then the scanned ones.
  const perColumn = new Uint32Array(w + 1);
  for (let i = 0; i < first.n; i++) perColumn[first.xs[i]! + 1]!++;
  for (let x = 0; x < cols; x++) perColumn[c0 + x + 1]! += counts[x]!;
  for (let x = 0; x < w; x++) perColumn[x + 1]! += perColumn[x]!;
  const n = perColumn[w]!;
  if (positionsAt + 4 * n > MAX_MEMORY_BYTES) return null;
  ensureMemory(kernel.memory, positionsAt + 4 * n);
  bytes = new Uint8Array(kernel.memory.buffer);
  counts = new Uint32Array(kernel.memory.buffer, countsAt, cols + 1);
  const positions = new Uint32Array(kernel.memory.buffer, positionsAt, n);
  const cursor = perColumn.subarray(0, w);
  for (let i = 0; i < first.n; i++) {
    const x = first.xs[i]!;
    positions[cursor[x]!++] = x * h + first.ys[i]!;
  }
  for (let x = 0; x < cols; x++) counts[x] = cursor[c0 + x]!;
  if (rows > 0 && cols > 0) kernel.write(0, stride, rows, blocks, countsAt, positionsAt, c0, h, yFrom);
  return positions;
}
