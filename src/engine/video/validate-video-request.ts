// Checks a video request against the model's capabilities and the video's frame count; picks the model
// resolution the frames are decoded at and the mask grid the tracker works on.
import { SamError } from '../../domain/errors.js';
import type { ModelInfo } from '../../model/sam3/sam3-model.js';
import type { VideoSegmentRequest } from '../video-engine.js';

export interface VideoPlan {
  resolution: number;
  gridSize: number;
}

export function validateVideoRequest(request: VideoSegmentRequest, model: ModelInfo, frameCount: number): VideoPlan {
  if (request.concepts.length === 0 && request.objects.length === 0) {
    throw new SamError(
      'PROMPT_REQUIRED',
      'Expected at least one text concept or one point/box prompt for the video but received none',
      { field: 'prompt' },
    );
  }
  request.concepts.forEach((text, i) => {
    if (text.trim() === '')
      throw new SamError(
        'INVALID_ARGUMENT',
        `Expected a non-empty concept text for concepts[${i}] but received an empty string`,
        { field: `concepts[${i}]` },
      );
  });
  if (request.concepts.length > 0 && !model.concepts) {
    throw new SamError(
      'CAPABILITY_MISSING',
      `The model '${model.name}' cannot track text concepts: its bundle lacks the concept (detector) graphs`,
      { field: 'prompt' },
    );
  }
  if (request.objects.length > 0 && !model.objects) {
    throw new SamError(
      'CAPABILITY_MISSING',
      `The model '${model.name}' cannot track clicked objects: its bundle lacks the tracker graphs`,
      { field: 'objects' },
    );
  }
  request.objects.forEach((o, i) => {
    if (!Number.isInteger(o.frameIndex) || o.frameIndex < 0 || o.frameIndex >= frameCount) {
      throw new SamError(
        'INVALID_ARGUMENT',
        `Expected objects[${i}].frame_index in 0–${frameCount - 1} (the frames that will be processed) but received ${o.frameIndex}`,
        { field: `objects[${i}].frame_index`, received: o.frameIndex },
      );
    }
    if (!o.points?.length && !o.box) {
      throw new SamError('PROMPT_REQUIRED', `Expected points or a box for objects[${i}] but received neither`, {
        field: `objects[${i}]`,
      });
    }
  });
  const concepts = model.concepts;
  const objects = model.objects;
  if (
    concepts &&
    objects &&
    request.concepts.length > 0 &&
    request.objects.length > 0 &&
    (concepts.resolution !== objects.resolution || concepts.maskSize !== objects.maskSize)
  ) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `The concept graphs (${concepts.resolution}px, ${concepts.maskSize}² masks) and the tracker graphs (${objects.resolution}px, ${objects.maskSize}² masks) differ; a video can use one of them at a time`,
      { field: 'model' },
    );
  }
  const spec = request.concepts.length > 0 ? concepts! : objects!;
  return { resolution: spec.resolution, gridSize: spec.maskSize };
}
