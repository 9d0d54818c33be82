// The playground page: load an image (drop, picker, URL) or a video, collect prompts (concepts, points, boxes),
// call the native API through the shared typed client, and show, filter and download the results.
import { Sam3Client } from '../../src/api/client.js';
import type { SegmentBody, WirePrompt } from '../../src/api/native-wire.js';
import { SamError } from '../../src/domain/errors.js';
import { enhancePrompt } from './enhance-prompt.js';
import { colorOf, decodeMask, paintMasks, type PaintMode } from './mask-paint.js';
import { wireViewControls } from './view-controls.js';
import { runVideo } from './video-run.js';
import { VideoFrames, frameMasks, type RleDocument } from './video-scrub.js';
import { applyCanvasKey, type KeyActions } from './canvas-keys.js';
import { wireSessionControls } from './session-controls.js';
import { shownVideoObject, type Shown } from './shown.js';
import { explainError } from './error-sentence.js';
import { TOOL_DOWNLOADS, wireDownloads } from './downloads.js';
import { PromptHistory, type PromptSnapshot } from './prompt-history.js';
import { vocabularyHint } from '../../src/domain/vocabulary-hint.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const apiKey = (): string => $<HTMLInputElement>('api-key').value.trim();
let client = new Sam3Client(location.origin);
/** The loaded model's closed concept vocabulary (the demo model: colours); undefined for SAM 3. */
let vocabulary: readonly string[] | undefined;
const authorization = (): Record<string, string> => (apiKey() ? { authorization: `Bearer ${apiKey()}` } : {});
const canvas = $<HTMLCanvasElement>('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
const state = {
  image: undefined as { bytes: Uint8Array; bitmap: ImageBitmap; name: string } | undefined,
  video: undefined as File | undefined,
  points: [] as Array<{ x: number; y: number; positive: boolean }>,
  boxes: [] as Array<{ box: [number, number, number, number]; mode: 'exemplar' | 'object'; positive: boolean }>,
  results: [] as Shown[],
  hovered: -1,
  frames: undefined as VideoFrames | undefined,
  frameIndex: 0,
  doc: undefined as RleDocument | undefined,
  session: undefined as string | undefined,
  cursor: undefined as { x: number; y: number } | undefined,
  boxCorner: undefined as { x: number; y: number } | undefined,
};

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', error);
}
const describeError = explainError;
/** Undo/redo of the prompts on the image. */
const history = new PromptHistory();
const snapshot = (): PromptSnapshot => ({ points: state.points, boxes: state.boxes });
const restore = (s: PromptSnapshot | undefined): void => {
  if (s) ({ points: state.points, boxes: state.boxes } = s);
  render();
};
const keyActions: KeyActions = {
  record: () => history.record(snapshot()),
  undo: () => restore(history.undo(snapshot())),
  redo: () => restore(history.redo(snapshot())),
};

async function showModel(): Promise<void> {
  try {
    const { models } = await client.models();
    const m = models[0];
    vocabulary = m?.vocabulary;
    $('model').textContent = m ? `model: ${m.label} (${m.name}, ${m.device})` : 'model: none loaded';
  } catch (e) {
    $('model').textContent = `model: unavailable (${describeError(e)})`;
  }
}

async function loadFile(file: Blob, name: string): Promise<void> {
  state.points = [];
  state.boxes = [];
  history.reset();
  state.results = [];
  if (file.type.startsWith('video/')) {
    state.video = file instanceof File ? file : new File([file], name, { type: file.type });
    state.image = undefined;
    state.doc = undefined;
    state.frames?.close();
    state.frames = undefined;
    state.frameIndex = 0;
    if (state.session) void client.closeSession(state.session).catch(() => undefined);
    state.session = undefined;
    $('video-panel').hidden = false;
    let fps = 0;
    let frameCount = 1;
    try {
      const session = await client.createSession(state.video, name);
      state.session = session.id;
      fps = session.video.fps;
      frameCount = session.video.frame_count;
    } catch (e) {
      status(`Video ${name}: no session (${describeError(e)}); prompts go on the first frame.`, true);
    }
    const slider = $<HTMLInputElement>('frame');
    slider.max = String(frameCount - 1);
    slider.value = '0';
    $('frame-value').textContent = '0';
    try {
      state.frames = await VideoFrames.open(state.video, fps || 1, frameCount);
      const frame = await state.frames.frame(0);
      canvas.width = frame.width;
      canvas.height = frame.height;
      state.image = { bytes: new Uint8Array(), bitmap: frame, name };
      if (state.session)
        status(
          `Video ${name}: ${frameCount} frames at ${fps.toFixed(2)} fps. Pick a frame, type concepts and/or click objects on it, then Segment.`,
        );
    } catch {
      status(
        `Video ${name}: this browser cannot preview it, so clicks are off; text concepts still work (the server decodes it).`,
      );
    }
  } else {
    state.video = undefined;
    $('video-panel').hidden = true;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    state.image = { bytes, bitmap, name };
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    status(`Loaded ${name} (${bitmap.width}×${bitmap.height}).`);
  }
  render();
}

/** What the canvas shows under the prompts: the image with masks, the masks alone, or the image only inside them. */
const viewMode = (): string => $<HTMLSelectElement>('view-mode').value;

function render(): void {
  $<HTMLButtonElement>('undo').disabled = !history.canUndo;
  $<HTMLButtonElement>('redo').disabled = !history.canRedo;
  if (!state.image) return;
  if (viewMode() === 'masks') {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  } else ctx.drawImage(state.image.bitmap, 0, 0);
  const threshold = Number($<HTMLInputElement>('threshold').value);
  paintMasks(
    ctx,
    state.results
      .filter((r) => r.visible && r.score >= threshold)
      .map((r) => ({
        mask: r.mask,
        colorIndex: r.colorIndex,
        hovered: state.results.indexOf(r) === state.hovered,
        label: `${r.label} ${r.score.toFixed(2)}`,
        ...(r.box ? { box: r.box } : {}),
      })),
    viewMode() as PaintMode,
    { boxes: $<HTMLInputElement>('show-boxes').checked },
  );
  for (const p of state.points) {
    ctx.fillStyle = p.positive ? '#16a34a' : '#dc2626';
    ctx.beginPath();
    ctx.arc(p.x, p.y, Math.max(4, canvas.width / 150), 0, Math.PI * 2);
    ctx.fill();
  }
  if (state.cursor && document.activeElement === canvas) {
    const c = state.cursor;
    const arm = Math.max(6, canvas.width / 60);
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = Math.max(1, canvas.width / 500);
    ctx.beginPath();
    ctx.moveTo(c.x - arm, c.y);
    ctx.lineTo(c.x + arm, c.y);
    ctx.moveTo(c.x, c.y - arm);
    ctx.lineTo(c.x, c.y + arm);
    ctx.stroke();
  }
  for (const b of state.boxes) {
    ctx.strokeStyle = b.mode === 'object' ? '#f59e0b' : b.positive ? '#16a34a' : '#dc2626';
    ctx.lineWidth = Math.max(2, canvas.width / 400);
    ctx.strokeRect(b.box[0], b.box[1], b.box[2] - b.box[0], b.box[3] - b.box[1]);
  }
  renderList(threshold);
}

function renderList(threshold: number): void {
  const list = $('objects');
  list.replaceChildren();
  state.results.forEach((r, i) => {
    if (r.score < threshold) return;
    const li = document.createElement('li');
    li.classList.toggle('hovered', i === state.hovered);
    const [cr, cg, cb] = colorOf(r.colorIndex);
    const toggle = document.createElement('input');
    toggle.type = 'checkbox';
    toggle.checked = r.visible;
    toggle.setAttribute('aria-label', `show ${r.label} ${i + 1}`);
    toggle.onchange = () => ((r.visible = toggle.checked), render());
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = `rgb(${cr},${cg},${cb})`;
    const text = document.createElement('span');
    text.className = 'object';
    text.textContent = `${r.label} · ${r.score.toFixed(2)} · ${r.area} px`;
    li.append(toggle, swatch, text);
    li.onmouseenter = () => ((state.hovered = i), render());
    li.onmouseleave = () => ((state.hovered = -1), render());
    list.append(li);
  });
  // Images: the objects shown. Videos after a run: the whole RLE document, and COCO / PNG of the frame shown.
  const any = state.results.length > 0 || state.doc !== undefined;
  for (const id of ['dl-rle', ...Object.keys(TOOL_DOWNLOADS), 'dl-png']) $<HTMLButtonElement>(id).disabled = !any;
}

function wirePrompts(): WirePrompt[] {
  const concepts = $<HTMLInputElement>('text')
    .value.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const exemplars = state.boxes.filter((b) => b.mode === 'exemplar').map((b) => ({ box: b.box, positive: b.positive }));
  const prompts: WirePrompt[] = concepts.map((text) => ({
    type: 'concept',
    text,
    ...(exemplars.length ? { exemplars } : {}),
  }));
  if (!concepts.length && exemplars.length) prompts.push({ type: 'concept', exemplars });
  if (state.points.length) prompts.push({ type: 'object', points: state.points, refine_previous: true });
  for (const b of state.boxes.filter((x) => x.mode === 'object')) prompts.push({ type: 'object', box: b.box });
  return prompts;
}

async function run(): Promise<void> {
  if (!state.image && !state.video) return status('Load an image or a video first.', true);
  const prompts = wirePrompts();
  if (!prompts.length) return status('Add a concept, a point or a box first.', true);
  if (state.video) {
    state.doc = await runVideo(
      client,
      state.video,
      prompts,
      state.frameIndex,
      { status, render, canvas },
      authorization(),
    );
    if (state.doc) showFrameResults();
    return render();
  }
  if (!state.image) return;
  status('Segmenting…');
  const started = performance.now();
  try {
    const body: SegmentBody = {
      image: { base64: toBase64(state.image.bytes) },
      prompts,
      threshold: 0.05,
      mask_formats: ['rle'],
    };
    const response = await client.segment(body);
    const roundTrip = performance.now() - started;
    let colorIndex = 0;
    let objectNumber = 0;
    state.results = response.prompts.flatMap((p) => {
      const label = p.type === 'concept' ? (p.text ?? 'exemplar') : `object ${++objectNumber}`;
      return p.instances.map((inst) => ({
        label,
        score: inst.score,
        area: inst.area,
        box: inst.box as Shown['box'],
        rle: inst.mask.rle!,
        mask: decodeMask(inst.mask.rle!),
        colorIndex: colorIndex++,
        visible: true,
      }));
    });
    const server = response.timings_ms.total ?? Object.values(response.timings_ms).reduce((a, b) => a + b, 0);
    // A concept that found nothing on a closed-vocabulary model says why.
    const hints = response.prompts
      .filter((p) => p.type === 'concept' && p.text && p.instances.length === 0)
      .map((p) => vocabularyHint(p.text!, vocabulary))
      .filter((h): h is string => h !== undefined);
    status(
      `${state.results.length} object(s) in ${Math.round(server)} ms on the server (${Math.round(roundTrip)} ms round trip).` +
        hints.map((h) => ` Note: ${h}.`).join(''),
    );
  } catch (e) {
    status(describeError(e), true);
  }
  render();
}

const toBase64 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

const kept = (): Shown[] =>
  state.results.filter((r) => r.visible && r.score >= Number($<HTMLInputElement>('threshold').value));
wireDownloads($, {
  objects: kept,
  videoDocument: () => state.doc,
  baseName: () =>
    (state.video
      ? `${state.video.name.replace(/\.[^.]+$/, '')}-frame-${state.frameIndex}`
      : (state.image?.name ?? 'image')
    ).replace(/\.[^.]+$/, ''),
  // Frames of a video are named as PNGs.
  extension: () => (!state.video && state.image?.name.match(/\.[A-Za-z0-9]+$/)?.[0]) || '.png',
  videoName: () => state.video?.name,
  size: () => ({ width: canvas.width, height: canvas.height }),
  status: (text) => status(text),
});

// Input: picker, drop, URL.
$<HTMLInputElement>('file').onchange = (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file, file.name).catch((err: unknown) => status(describeError(err), true));
};
const drop = $('drop');
drop.ondragover = (e) => (e.preventDefault(), drop.classList.add('over'));
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void loadFile(file, file.name).catch((err: unknown) => status(describeError(err), true));
};
$('url-form').onsubmit = (e) => {
  e.preventDefault();
  const url = $<HTMLInputElement>('url').value;
  // Through the server (its URL guard), so hosts without CORS headers work; the browser's own fetch is the fallback
  // for servers without /v1/images/fetch.
  const name = url.split('/').pop()?.split('?')[0] || 'image';
  void client
    .fetchImage(url)
    .then((blob) => loadFile(blob, name))
    .catch((err: unknown) => {
      if (!(err instanceof SamError) || err.code !== 'ROUTE_NOT_FOUND') return status(describeError(err), true);
      return fallbackFetch(url);
    });
};
function fallbackFetch(url: string): void {
  void fetch(url)
    .then(async (r) =>
      r.ok
        ? loadFile(await r.blob(), url.split('/').pop() || 'image')
        : Promise.reject(new Error(`HTTP ${r.status} for ${url}`)),
    )
    .catch((err: unknown) => status(`Could not load ${url} in the browser: ${describeError(err)}`, true));
}

// Prompts: click = point (shift/right = negative), drag = box.
let dragFrom: { x: number; y: number } | undefined;
const toImage = (e: MouseEvent): { x: number; y: number } => {
  const r = canvas.getBoundingClientRect();
  return {
    x: Math.round(((e.clientX - r.left) / r.width) * canvas.width),
    y: Math.round(((e.clientY - r.top) / r.height) * canvas.height),
  };
};
canvas.oncontextmenu = (e) => e.preventDefault();
// Alt-drag and the middle button pan the view instead of prompting.
canvas.onmousedown = (e) => (dragFrom = e.button === 1 || e.altKey ? undefined : toImage(e));
canvas.onmouseup = (e) => {
  if (!dragFrom || !state.image) return;
  const to = toImage(e);
  const negative = e.shiftKey || e.button === 2;
  if (Math.abs(to.x - dragFrom.x) > 4 && Math.abs(to.y - dragFrom.y) > 4) {
    const mode = (document.querySelector('input[name="box-mode"]:checked') as HTMLInputElement).value as
      'exemplar' | 'object';
    history.record(snapshot());
    state.boxes.push({
      box: [
        Math.min(dragFrom.x, to.x),
        Math.min(dragFrom.y, to.y),
        Math.max(dragFrom.x, to.x),
        Math.max(dragFrom.y, to.y),
      ],
      mode,
      positive: !negative,
    });
  } else {
    history.record(snapshot());
    state.points.push({ x: to.x, y: to.y, positive: !negative });
  }
  dragFrom = undefined;
  render();
};
$('undo').onclick = keyActions.undo;
$('redo').onclick = keyActions.redo;
$('clear').onclick = () => {
  if (state.points.length || state.boxes.length) history.record(snapshot());
  state.points = [];
  state.boxes = [];
  state.results = [];
  render();
};
// Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y anywhere but in a text field (the canvas handles its own keys).
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (target === canvas || /^(INPUT|TEXTAREA|SELECT)$/.test(target?.tagName ?? '')) return;
  if (!(e.ctrlKey || e.metaKey)) return;
  const key = e.key.toLowerCase();
  if (key === 'z') (e.shiftKey ? keyActions.redo : keyActions.undo)();
  else if (key === 'y') keyActions.redo();
  else return;
  e.preventDefault();
});
$('enhance').onclick = () =>
  ($<HTMLInputElement>('text').value = enhancePrompt($<HTMLInputElement>('text').value).join(', '));
$('run').onclick = () => void run();
$<HTMLInputElement>('text').onkeydown = (e) => (e.key === 'Enter' ? void run() : undefined);
$<HTMLInputElement>('threshold').oninput = () => (
  ($('threshold-value').textContent = Number($<HTMLInputElement>('threshold').value).toFixed(2)),
  render()
);
// Video frames: the slider shows a frame (prompts apply to it); after a run, its masks from the RLE document.
function showFrameResults(): void {
  if (!state.doc) return;
  state.results = frameMasks(state.doc, state.frameIndex).map((o) =>
    shownVideoObject(o, `#${o.id} ${o.label}`, o.mask),
  );
}
$<HTMLInputElement>('frame').oninput = () => {
  const index = Number($<HTMLInputElement>('frame').value);
  $('frame-value').textContent = String(index);
  state.frameIndex = index;
  const frames = state.frames;
  if (!frames || !state.image) return;
  void frames.frame(index).then((bitmap) => {
    if (state.frameIndex !== index || !state.image) return;
    state.image = { ...state.image, bitmap };
    if (state.doc) showFrameResults();
    render();
  });
};
wireSessionControls($, {
  client: () => client,
  session: () => state.session,
  frameIndex: () => state.frameIndex,
  prompts: wirePrompts,
  show: (objects) => ((state.results = objects), render()),
  setDocument: (doc) => (state.doc = doc),
  seek: (frame) => {
    const slider = $<HTMLInputElement>('frame');
    slider.value = String(frame);
    slider.dispatchEvent(new Event('input'));
  },
  status,
});

// Keyboard: arrows move a cross, Enter / Shift+Enter place points, B places box corners, Backspace undoes.
canvas.onfocus = () => (
  (state.cursor ??= { x: Math.round(canvas.width / 2), y: Math.round(canvas.height / 2) }),
  render()
);
canvas.onblur = () => render();
const view = wireViewControls(canvas, $('stage'), $('zoom-fit'));
$<HTMLInputElement>('show-boxes').onchange = () => render();
$<HTMLSelectElement>('view-mode').onchange = () => render();
canvas.onkeydown = (e) => {
  if (view.zoomKey(e)) {
    e.preventDefault();
    return;
  }
  if (!state.image) return;
  state.cursor ??= { x: Math.round(canvas.width / 2), y: Math.round(canvas.height / 2) };
  const mode = (document.querySelector('input[name="box-mode"]:checked') as HTMLInputElement).value as
    'exemplar' | 'object';
  if (!applyCanvasKey(e, state, { width: canvas.width, height: canvas.height }, mode, keyActions)) return;
  e.preventDefault();
  render();
};
// The key is remembered for this browser tab's session (sessionStorage), never beyond it.
const KEY_STORAGE = 'sam3-api-key';
$<HTMLInputElement>('api-key').onchange = () => {
  if (apiKey()) sessionStorage.setItem(KEY_STORAGE, apiKey());
  else sessionStorage.removeItem(KEY_STORAGE);
  client = new Sam3Client(location.origin, apiKey() ? { apiKey: apiKey() } : {});
  void showModel();
};
const rememberedKey = sessionStorage.getItem(KEY_STORAGE);
if (rememberedKey) {
  $<HTMLInputElement>('api-key').value = rememberedKey;
  client = new Sam3Client(location.origin, { apiKey: rememberedKey });
}
void showModel();
