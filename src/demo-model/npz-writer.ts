// Writes float32 arrays as a NumPy .npz (stored zip of .npy files), for the demo bundle's video constants.
import { zipSync } from 'fflate';

export interface NdArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function npy(array: NdArray): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}

/** float32 arrays → an .npz (stored, like `numpy.savez`). */
export function writeNpz(arrays: Record<string, NdArray>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([name, a]) => [`${name}.npy`, npy(a)])), { level: 0 });
}
