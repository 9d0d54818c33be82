// X-AnyLabeling video ⇄ engine sessions: the video model's entry, absolute ↔ session frame indices, relative clicks
// → pixels, and a frame's objects → shapes (polygon and/or rectangle, label, score, group_id = object id + 1).
import { SamError } from '../../domain/errors.js';
import type { VideoFrameResult } from '../../domain/video.js';
import type { SessionPrompt } from '../../engine/video-engine.js';
import type { Shape } from './schemas.js';
import { polygonPoints, UNLABELLED } from './translate.js';
import type { VideoPromptBody, VideoPromptParams } from './video-schemas.js';

export const VIDEO_MODEL = 'segment_anything_3_video';
/** The object id X-AnyLabeling-Server gives clicks that name none. */
export const DEFAULT_CLICK_OBJECT = 99_999;

/** `/v1/models` entry of the video model: the widgets and batch mode X-AnyLabeling reads to drive a sequence. */
export function videoModelInfo(label: string): Record<string, unknown> {
  const names = [
    'button_add_point',
    'button_remove_point',
    'button_clear',
    'button_finish_object',
    'edit_text',
    'button_send',
    'input_conf',
    'edit_conf',
    'mask_fineness_slider',
    'mask_fineness_value_label',
    'toggle_preserve_existing_annotations',
  ];
  const values: Record<string, unknown> = {
    edit_conf: 0.25,
    mask_fineness_slider: 10,
    toggle_preserve_existing_annotations: false,
  };
  return {
    display_name: `Segment Anything 3 — video (${label})`,
    widgets: names.map((name) => ({ name, value: values[name] ?? null })),
    params: { conf_threshold: 0.25, show_boxes: true, show_masks: true, epsilon_factor: 0.001 },
    capabilities: {},
    batch_processing_mode: 'video',
    auto_clear_cache_label_and_gid: true,
  };
}

/** Shape options from a prompt's params: both shapes by default, shapes under conf_threshold left out. */
export interface VideoShapeOptions {
  showMasks: boolean;
  showBoxes: boolean;
  epsilonFactor: number;
  confThreshold: number;
}

export function videoShapeOptions(params: VideoPromptParams | undefined): VideoShapeOptions {
  return {
    showMasks: params?.show_masks ?? true,
    showBoxes: params?.show_boxes ?? true,
    epsilonFactor: params?.epsilon_factor ?? 0.001,
    confThreshold: params?.conf_threshold ?? 0.25,
  };
}

/** Session frame index of an absolute one (X-AnyLabeling counts from the sequence's start_frame_index). */
export function sessionFrameIndex(absolute: number, start: number, count: number, field: string): number {
  const relative = absolute - start;
  if (relative < 0 || relative >= count)
    throw new SamError('INVALID_ARGUMENT', `${field} must be a frame from ${start} to ${start + count - 1}`, {
      field,
      expected: `integer in [${start}, ${start + count - 1}]`,
      received: absolute,
    });
  return relative;
}

/** Clicks relative to the frame (0–1) with labels 1/0 → one object's prompt; all its clicks on that frame, resent. */
export function videoClickPrompt(
  body: VideoPromptBody,
  frameIndex: number,
  size: { width: number; height: number },
): SessionPrompt {
  const points = body.points ?? [];
  const labels = body.point_labels ?? [];
  if (labels.length !== points.length)
    throw new SamError('INVALID_ARGUMENT', 'Expected one point_labels entry per point', {
      field: 'point_labels',
      expected: `${points.length} labels`,
      received: labels.length,
    });
  return {
    frameIndex,
    points: points.map(([x, y], i) => {
      if (x! < 0 || x! > 1 || y! < 0 || y! > 1)
        throw new SamError('INVALID_ARGUMENT', 'Expected points relative to the frame: x and y from 0 to 1', {
          field: `points[${i}]`,
          expected: '[x, y] in [0, 1]',
          received: [x, y],
        });
      return { x: x! * size.width, y: y! * size.height, positive: labels[i] === 1 };
    }),
    objId: body.obj_id ?? DEFAULT_CLICK_OBJECT,
    label: UNLABELLED,
    replacePoints: true,
    outlines: true,
  };
}

/** One frame's objects as shapes, each labelled by its concept (clicked objects AUTOLABEL_OBJECT). */
export function frameShapes(
  frame: VideoFrameResult,
  labels: ReadonlyMap<number, string>,
  options: VideoShapeOptions,
): Shape[] {
  const shapes: Shape[] = [];
  for (const o of frame.objects) {
    if (o.score < options.confThreshold) continue;
    const base = {
      label: labels.get(o.id) || UNLABELLED,
      score: o.score,
      group_id: o.id + 1,
      attributes: {},
      difficult: false,
      direction: 0,
      kie_linking: [],
    };
    if (options.showMasks) {
      const points = polygonPoints(o.outerPolygons ?? [], options.epsilonFactor);
      if (points.length) shapes.push({ ...base, shape_type: 'polygon', points });
    }
    if (options.showBoxes) {
      const { x0, y0, x1, y1 } = o.box;
      const corners = [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ];
      shapes.push({ ...base, shape_type: 'rectangle', points: corners });
    }
  }
  return shapes;
}
