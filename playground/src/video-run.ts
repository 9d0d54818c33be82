// The playground's video path: submit the clip with its prompts (clicks on the frame shown) as a /v1/videos job,
// follow its progress, then play the overlay MP4, list the tracked objects and return the RLE document for scrubbing.
import type { Sam3Client } from '../../src/api/client.js';
import type { JobResponse, WirePrompt } from '../../src/api/native-wire.js';
import { SamError } from '../../src/domain/errors.js';
import { explainError } from './error-sentence.js';
import type { RleDocument } from './video-scrub.js';

interface VideoView {
  status(text: string, error?: boolean): void;
  render(): void;
  canvas: HTMLCanvasElement;
}

export async function runVideo(
  client: Sam3Client,
  video: File,
  prompts: WirePrompt[],
  frameIndex: number,
  view: VideoView,
  authorization: Record<string, string>,
): Promise<RleDocument | undefined> {
  const concepts = prompts.filter((p) => p.type === 'concept' && p.text).map((p) => p.text!);
  const objects = prompts
    .filter((p) => p.type === 'object')
    .map((p, i) => ({
      frame_index: frameIndex,
      label: `object ${i + 1}`,
      ...(p.points ? { points: p.points } : {}),
      ...(p.box ? { box: p.box } : {}),
    }));
  const progress = document.getElementById('progress') as HTMLProgressElement;
  const progressText = document.getElementById('progress-text')!;
  const player = document.getElementById('video-out') as HTMLVideoElement;
  player.hidden = true;
  const show = (fraction: number): void => {
    progress.value = fraction;
    progressText.textContent = `${Math.round(fraction * 100)}%`;
  };
  show(0);
  try {
    const started = performance.now();
    let job: JobResponse = await client.submitVideo(
      video,
      { concepts, objects, overlay: true, output_delay_frames: 0 },
      video.name,
    );
    view.status(`Video job ${job.id} submitted…`);
    while (job.status === 'created' || job.status === 'processing') {
      await new Promise((r) => setTimeout(r, 400));
      job = await client.job(job.id);
      show(job.progress ?? 0);
      view.status(`Video job ${job.status}…`);
    }
    if (job.status !== 'completed')
      throw new SamError(
        'INTERNAL',
        job.error ? `${job.error.code}: ${job.error.message}` : `The job ended ${job.status}`,
      );
    show(1);
    const result = job.result as {
      frame_count: number;
      objects: Array<{ id: number; label: string; first_frame: number }>;
    };
    const list = document.getElementById('objects')!;
    list.replaceChildren(
      ...result.objects.map((o) =>
        Object.assign(document.createElement('li'), {
          textContent: `#${o.id} ${o.label} (from frame ${o.first_frame})`,
        }),
      ),
    );
    if (job.files.overlay) {
      player.src = job.files.overlay;
      player.hidden = false;
    }
    const rle = job.files.rle ? ` · <a href="${job.files.rle}" download>RLE JSON</a>` : '';
    const doc = job.files.rle
      ? ((await (await fetch(job.files.rle, { headers: authorization })).json()) as RleDocument)
      : undefined;
    view.status(
      `${result.objects.length} object(s) tracked over ${result.frame_count} frames in ${Math.round(performance.now() - started)} ms. Move the frame slider to see each frame's masks.`,
    );
    document.getElementById('status')!.insertAdjacentHTML('beforeend', rle);
    return doc;
  } catch (e) {
    view.status(explainError(e), true);
    return undefined;
  }
}
