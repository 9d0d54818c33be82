// What the page says when something fails: one sentence a person can act on (what happened, what to do), then the
// server's code in brackets. Server errors keep their own message where it is already specific (it names the field
// and what was expected); browser and network failures get a sentence instead of a raw exception.
import { SamError, type ErrorCode } from '../../src/domain/errors.js';

/** Sentences for the codes whose fix is outside the request: the setting, the command or the wait that helps. */
const ADVICE: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'This server needs an API key: type one of its SAM3_API_KEYS in the API key field at the top.',
  MODEL_NOT_READY: 'The model is still loading on the server; try again in a few seconds.',
  MODEL_UNAVAILABLE:
    'The server has no usable model: pull one (npx sam3 models pull sam3) or start it with --model demo, then reload this page.',
  MODEL_NOT_FOUND:
    'The server has no usable model: pull one (npx sam3 models pull sam3) or start it with --model demo, then reload this page.',
  VIDEO_UNAVAILABLE:
    'Video needs ffmpeg on the server (apt-get install ffmpeg, then restart it), or a server that runs the model itself.',
  QUEUE_FULL: 'The server is busy with other requests; try again in a moment.',
  QUEUE_UNAVAILABLE: 'The server has no worker to run the model right now; start one (sam3 worker) or try again later.',
  DEADLINE_EXCEEDED:
    'The server took longer than its time limit (SAM3_REQUEST_TIMEOUT_MS); try a smaller image or fewer prompts.',
  SESSION_NOT_FOUND: 'The video session has ended (closed or idle too long); load the video again.',
  SESSION_LIMIT: 'The server holds as many video sessions as it allows; close another tab with a video, or wait.',
  STORAGE_FULL: 'The server is out of disk space; free some and try again.',
  HOST_NOT_ALLOWED:
    'The server does not answer this host name: open it as localhost, or add the name to SAM3_ALLOWED_HOSTS.',
  CROSS_SITE_REQUEST: 'The server refused a request from this page’s origin (SAM3_ALLOWED_ORIGINS).',
  INTERNAL: 'The server failed unexpectedly; its log has the details.',
  INFERENCE_FAILED: 'The model failed while running; the server log has the details. Trying again may work.',
};

/** Codes where the server's message already says what was wrong and what was expected; a hint is added. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  IMAGE_DECODE_FAILED: 'Use a JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF image.',
  IMAGE_TOO_LARGE: 'Use a smaller image (SAM3_MAX_IMAGE_BYTES, SAM3_MAX_IMAGE_PIXELS).',
  REQUEST_TOO_LARGE: 'Use a smaller file (SAM3_MAX_BODY_BYTES).',
  IMAGE_URL_FORBIDDEN: 'The server fetches only public addresses unless SAM3_URL_ALLOW_NETWORKS allows more.',
  IMAGE_FETCH_FAILED: 'Check that the URL opens in a browser tab, or download the image and drop it here.',
  VIDEO_DECODE_FAILED: 'Use an MP4, WebM, MOV or MKV file that plays in a media player.',
  VIDEO_TOO_LARGE: 'Use a shorter or smaller clip (SAM3_MAX_VIDEO_SECONDS, SAM3_MAX_VIDEO_SIDE_PX).',
};

const sentence = (text: string): string => {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** One line for the status bar. */
export function explainError(error: unknown): string {
  if (error instanceof SamError) {
    const advice = ADVICE[error.code];
    if (advice) return `${advice} [${error.code}]`;
    const hint = HINTS[error.code];
    return `${sentence(error.message)}${hint ? ` ${hint}` : ''} [${error.code}]`;
  }
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'TypeError' && /fetch|network/i.test(message))
    return 'The server could not be reached: check that it is still running, then try again. [NETWORK]';
  if (name === 'InvalidStateError' || name === 'EncodingError')
    return 'This browser could not open the file as an image; try a JPEG or PNG. [BROWSER]';
  return `${sentence(message)} [BROWSER]`;
}
