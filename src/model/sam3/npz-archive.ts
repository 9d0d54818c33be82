// Reads NumPy .npz archives (a zip of .npy arrays; fflate for the zip): little-endian float/int arrays as float32.
import { unzipSync } from 'fflate';
import { SamError } from '../../domain/errors.js';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function parseHeader(text: string, label: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shape === undefined)
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label}: unreadable .npy header ${JSON.stringify(text)}`, {
      field: 'model',
    });
  const dims = shape
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d.length > 0)
    .map(Number);
  return { descr, fortran: fortran === 'True', shape: dims };
}

/** One .npy file → float32 values (f2/f4/f8, i1..i8, u1..u8, b1; little-endian or byte-sized only). */
export function readNpy(bytes: Uint8Array, label: string): NpyArray {
  if (!MAGIC.every((b, i) => bytes[i] === b))
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label} is not a .npy array`, { field: 'model' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = parseHeader(new TextDecoder().decode(bytes.subarray(start, start + headerLength)), label);
  if (header.fortran && header.shape.length > 1)
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label}: Fortran-ordered arrays are not supported`, {
      field: 'model',
    });
  const count = header.shape.reduce((a, b) => a * b, 1);
  const kind = header.descr.replace(/^[<|=]/, '');
  if (header.descr.startsWith('>'))
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label}: big-endian arrays are not supported`, { field: 'model' });
  const offset = start + headerLength;
  const readers: Record<string, [number, (at: number) => number]> = {
    f2: [2, (at) => halfToFloat(view.getUint16(at, true))],
    f4: [4, (at) => view.getFloat32(at, true)],
    f8: [8, (at) => view.getFloat64(at, true)],
    i1: [1, (at) => view.getInt8(at)],
    u1: [1, (at) => view.getUint8(at)],
    b1: [1, (at) => view.getUint8(at)],
    i2: [2, (at) => view.getInt16(at, true)],
    u2: [2, (at) => view.getUint16(at, true)],
    i4: [4, (at) => view.getInt32(at, true)],
    u4: [4, (at) => view.getUint32(at, true)],
    i8: [8, (at) => Number(view.getBigInt64(at, true))],
    u8: [8, (at) => Number(view.getBigUint64(at, true))],
  };
  const reader = readers[kind];
  if (!reader)
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label}: unsupported dtype ${header.descr}`, { field: 'model' });
  const [size, read] = reader;
  if (offset + count * size > bytes.byteLength)
    throw new SamError('MODEL_CONTRACT_MISMATCH', `${label}: truncated (${count} values of ${size} bytes expected)`, {
      field: 'model',
    });
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = read(offset + i * size);
  return { shape: header.shape, data };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Every array of an .npz, by name (without `.npy`). */
export function readNpz(bytes: Uint8Array, label: string): Record<string, NpyArray> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (cause) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `${label} is not a readable .npz (zip) archive`,
      { field: 'model' },
      { cause },
    );
  }
  const out: Record<string, NpyArray> = {};
  for (const [name, content] of Object.entries(files))
    if (name.endsWith('.npy')) out[name.slice(0, -4)] = readNpy(content, `${label}:${name}`);
  return out;
}
