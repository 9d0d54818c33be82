// The queued engine's wire form: engine requests, results and errors as JSON text for Redis. Bytes travel as base64,
// binary masks as compressed COCO RLE (a few KB instead of one byte per pixel), SamErrors by code, message and details.
import { SamError, toSamError, type ErrorCode } from '../../domain/errors.js';
import type { BinaryMask } from '../../domain/segmentation.js';
import { decodeCocoRle, encodeCocoRle } from '../../masks/coco-rle.js';
import type { EmbedRequest, EmbedResult, SegmentRequest, SegmentResult } from '../engine.js';

export type EngineCall =
  | { method: 'segment'; request: Omit<SegmentRequest, 'signal'> }
  | { method: 'embed'; request: Omit<EmbedRequest, 'signal'> };

export type EngineReply =
  | { ok: true; method: 'segment'; result: SegmentResult; workerId: string }
  | { ok: true; method: 'embed'; result: EmbedResult; workerId: string }
  | { ok: false; error: SamError; workerId: string };

const isMask = (v: unknown): v is BinaryMask =>
  typeof v === 'object' &&
  v !== null &&
  (v as BinaryMask).data instanceof Uint8Array &&
  typeof (v as BinaryMask).width === 'number' &&
  typeof (v as BinaryMask).height === 'number';

function replacer(this: unknown, key: string, jsonValue: unknown): unknown {
  // The holder's own value, before toJSON (a Buffer would otherwise arrive as {type: 'Buffer', data: [...]}).
  const value = (this as Record<string, unknown>)[key] ?? jsonValue;
  if (key === 'mask' && isMask(value))
    return { $mask: encodeCocoRle(value), ...(value.bounds ? { $bounds: value.bounds } : {}) };
  if (value instanceof Uint8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof SamError)
    return { $error: { code: value.code, message: value.message, details: value.details } };
  return jsonValue;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if ('$mask' in value) {
    const wire = value as { $mask: Parameters<typeof decodeCocoRle>[0]; $bounds?: BinaryMask['bounds'] };
    const mask = decodeCocoRle(wire.$mask);
    return wire.$bounds ? { ...mask, bounds: wire.$bounds } : mask;
  }
  if ('$bytes' in value) return new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'));
  if ('$error' in value) {
    const e = (value as { $error: { code: ErrorCode; message: string; details: Record<string, unknown> } }).$error;
    return new SamError(e.code, e.message, e.details);
  }
  return value;
}

/** Drops the signal (it does not cross processes; the caller's deadline travels as `deadlineMs` instead). */
export function encodeCall(call: EngineCall): string {
  const { signal: _signal, ...request } = call.request as SegmentRequest;
  void _signal;
  return JSON.stringify({ method: call.method, request }, replacer);
}

export const decodeCall = (text: string): EngineCall => JSON.parse(text, reviver) as EngineCall;

export function encodeReply(reply: EngineReply): string {
  return JSON.stringify(reply.ok ? reply : { ...reply, error: toSamError(reply.error) }, replacer);
}

export const decodeReply = (text: string): EngineReply => JSON.parse(text, reviver) as EngineReply;
