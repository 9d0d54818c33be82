// /v1/video-sessions wire ↔ engine terms: prompt bodies, session and frame responses. Pure.
import type { SessionPromptBody, SessionResponse, WireSessionFrame } from '../../api/video-session-wire.js';
import type { VideoFrameResult } from '../../domain/video.js';
import type { SessionPrompt, VideoSessionInfo } from '../../engine/video-engine.js';

export function sessionPrompt(body: SessionPromptBody): SessionPrompt {
  return {
    frameIndex: body.frame_index,
    ...(body.text !== undefined ? { text: body.text } : {}),
    ...(body.points ? { points: body.points.map((p) => ({ x: p.x, y: p.y, positive: p.positive ?? true })) } : {}),
    ...(body.box ? { box: { x0: body.box[0], y0: body.box[1], x1: body.box[2], y1: body.box[3] } } : {}),
    ...(body.obj_id !== undefined ? { objId: body.obj_id } : {}),
    ...(body.label !== undefined ? { label: body.label } : {}),
  };
}

export function sessionResponse(s: VideoSessionInfo): SessionResponse {
  return {
    id: s.id,
    video: { width: s.info.width, height: s.info.height, fps: s.info.fps, frame_count: s.frameCount },
    objects: s.objects.map((o) => ({ id: o.id, label: o.label, first_frame: o.firstFrame })),
    concepts: s.concepts,
    memory_bytes: s.memoryBytes,
    memory_budget_bytes: s.memoryBudgetBytes,
    expires_at: s.expiresAt,
  };
}

export function sessionFrame(f: VideoFrameResult): WireSessionFrame {
  return {
    index: f.index,
    time_s: Math.round(f.timeS * 1e6) / 1e6,
    objects: f.objects.map((o) => ({
      id: o.id,
      score: Math.round(o.score * 1e5) / 1e5,
      box: [o.box.x0, o.box.y0, o.box.x1, o.box.y1],
      rle: { size: [o.rle.size[0], o.rle.size[1]], counts: o.rle.counts },
    })),
  };
}
