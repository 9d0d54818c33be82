// The video session buttons: "Preview this frame" segments the clicked objects on the frame shown through the
// session; "Track live" sends the frame's prompts, then draws each frame of the propagation as it streams in (SSE),
// the slider following, and keeps the document it builds for scrubbing and downloads.
import type { Sam3Client } from '../../src/api/client.js';
import type { WirePrompt } from '../../src/api/native-wire.js';
import { SamError, type ErrorCode } from '../../src/domain/errors.js';
import { explainError } from './error-sentence.js';
import { shownVideoObject, type Shown } from './shown.js';
import type { RleDocument } from './video-scrub.js';

export interface SessionControls {
  client(): Sam3Client;
  session(): string | undefined;
  frameIndex(): number;
  prompts(): WirePrompt[];
  /** Replaces the objects shown and redraws. */
  show(objects: Shown[]): void;
  setDocument(doc: RleDocument): void;
  /** Moves the slider to `frame` (which draws it). */
  seek(frame: number): void;
  status(text: string, error?: boolean): void;
}

const objectFeeds = (o: WirePrompt) => ({
  ...(o.points ? { points: o.points } : {}),
  ...(o.box ? { box: o.box as [number, number, number, number] } : {}),
});

export function wireSessionControls(byId: (id: string) => HTMLElement, c: SessionControls): void {
  byId('preview').onclick = () => {
    const objects = c.prompts().filter((p) => p.type === 'object');
    const session = c.session();
    if (!session) return c.status('No session for this video: run it instead.', true);
    if (!objects.length)
      return c.status('Click the object (or drag a box in "this object" mode) on this frame first.', true);
    const frameIndex = c.frameIndex();
    const started = performance.now();
    c.status(`Segmenting frame ${frameIndex}…`);
    void (async () => {
      let shown: Shown[] = [];
      for (const o of objects) {
        const out = await c.client().sessionPrompt(session, { frame_index: frameIndex, ...objectFeeds(o) });
        shown = out.frame.objects.map((x) => shownVideoObject(x, `#${x.id} object`));
      }
      c.show(shown);
      c.status(
        `Frame ${frameIndex}: ${shown.length} object(s) in ${Math.round(performance.now() - started)} ms (session preview; Segment tracks them through the video).`,
      );
    })().catch((e: unknown) => c.status(explainError(e), true));
  };

  byId('track-live').onclick = () => {
    const session = c.session();
    if (!session) return c.status('No session for this video: run it instead.', true);
    const prompts = c.prompts();
    const text = prompts.flatMap((p) => (p.type === 'concept' && p.text ? [p.text] : [])).join(', ');
    const objects = prompts.filter((p) => p.type === 'object');
    if (!text && !objects.length) return c.status('Add a concept, or click an object on this frame, first.', true);
    const frameIndex = c.frameIndex();
    const started = performance.now();
    const client = c.client();
    void (async () => {
      if (text) await client.sessionPrompt(session, { frame_index: frameIndex, text });
      for (const o of objects) await client.sessionPrompt(session, { frame_index: frameIndex, ...objectFeeds(o) });
      const doc: RleDocument = { objects: [], frames: [] };
      c.setDocument(doc);
      let frames = 0;
      await client.propagateSession(session, { direction: 'both', start_frame: frameIndex }, (event, data) => {
        if (event === 'frame') {
          const frame = data as RleDocument['frames'][number];
          doc.frames = doc.frames.filter((f) => f.index !== frame.index).concat(frame);
          for (const o of frame.objects)
            if (!doc.objects.some((x) => x.id === o.id))
              doc.objects.push({ id: o.id, label: 'object', first_frame: frame.index });
          frames++;
          c.seek(frame.index);
          c.status(`Tracking live… ${frames} frame(s)`);
        } else if (event === 'error') {
          const { code = 'INTERNAL', message = 'propagation failed' } =
            (data as { error?: { code?: ErrorCode; message?: string } }).error ?? {};
          c.status(`Tracking stopped: ${explainError(new SamError(code, message))}`, true);
        } else if (event === 'done')
          c.status(
            `${doc.objects.length} object(s) tracked live over ${frames} frames in ${Math.round((performance.now() - started) / 100) / 10} s.`,
          );
      });
    })().catch((e: unknown) => c.status(explainError(e), true));
  };
}
