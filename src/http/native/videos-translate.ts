// POST /v1/videos wire body → a video job input (prompts in domain terms, media as URL or bytes). Pure.
import type { VideoJobBody } from '../../api/native-wire.js';
import { SamError } from '../../domain/errors.js';
import type { VideoJobInput } from '../../domain/jobs.js';

/** Exactly one of video.url, video.base64 (decoded, size-checked) or an uploaded file → a URL or the bytes. */
export function videoSource(
  video: VideoJobBody['video'],
  upload: Uint8Array | undefined,
  maxVideoBytes: number,
): { url: string } | { bytes: Uint8Array } {
  const given = [video?.url, video?.base64, upload].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected exactly one of video.url, video.base64 or a multipart "video" file but received ${given}`,
      { field: 'video' },
    );
  }
  if (upload) return { bytes: upload };
  if (video?.base64 !== undefined) {
    const text = video.base64.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length === 0)
      throw new SamError('INVALID_ARGUMENT', 'Expected base64 bytes in video.base64', { field: 'video.base64' });
    if (Math.floor((text.length * 3) / 4) > maxVideoBytes)
      throw new SamError('VIDEO_TOO_LARGE', `The video in video.base64 exceeds the ${maxVideoBytes}-byte limit`, {
        field: 'video.base64',
        limit: maxVideoBytes,
      });
    return { bytes: Buffer.from(text, 'base64') };
  }
  return { url: video!.url! };
}

export function videoJobInput(
  body: VideoJobBody,
  upload: Uint8Array | undefined,
  maxVideoBytes: number,
): { input: Omit<VideoJobInput, 'video'> & { video?: { url: string } }; bytes?: Uint8Array } {
  const source = videoSource(body.video, upload, maxVideoBytes);
  const bytes = 'bytes' in source ? source.bytes : undefined;
  const objects = (body.objects ?? []).map((o, i) => {
    if (!o.points?.length && !o.box)
      throw new SamError('PROMPT_REQUIRED', `Expected points or a box for objects[${i}] but received neither`, {
        field: `objects[${i}]`,
      });
    return {
      frameIndex: o.frame_index,
      ...(o.obj_id !== undefined ? { objId: o.obj_id } : {}),
      ...(o.label !== undefined ? { label: o.label } : {}),
      ...(o.points ? { points: o.points.map((p) => ({ x: p.x, y: p.y, positive: p.positive ?? true })) } : {}),
      ...(o.box ? { box: { x0: o.box[0], y0: o.box[1], x1: o.box[2], y1: o.box[3] } } : {}),
    };
  });
  const concepts = (body.concepts ?? []).map((c) => c.trim()).filter((c) => c.length > 0);
  if (concepts.length === 0 && objects.length === 0)
    throw new SamError('PROMPT_REQUIRED', 'Expected at least one of concepts or objects but received none', {
      field: 'concepts',
    });
  const input = {
    ...(body.video?.url !== undefined ? { video: { url: body.video.url } } : {}),
    concepts,
    objects,
    outputs: { overlay: body.overlay ?? false },
    ...(body.fps !== undefined ? { sampleFps: body.fps } : {}),
    ...(body.max_frames !== undefined ? { maxFrames: body.max_frames } : {}),
    ...(body.output_delay_frames !== undefined ? { outputDelayFrames: body.output_delay_frames } : {}),
  };
  return bytes ? { input, bytes } : { input };
}
