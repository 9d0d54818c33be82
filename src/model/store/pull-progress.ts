// Progress of a whole bundle pull: per-file DownloadProgress callbacks summed into bytes done, bytes known, files
// started and finished — for the CLI's total bar and the server's log lines and /readyz.
import type { DownloadProgress } from './download-file.js';

export interface PullSnapshot {
  doneBytes: number;
  /** Sum of the sizes known so far (a file's size is known once its download starts). */
  knownBytes: number;
  filesStarted: number;
  elapsedMs: number;
}

export class PullProgress {
  private done = 0;
  private known = 0;
  private started = 0;
  private readonly t0 = Date.now();

  constructor(private readonly onChange?: (snapshot: PullSnapshot) => void) {}

  /** Pass as pullBundle's `onFile`; `inner` also receives the per-file events (e.g. a per-file bar). */
  file(inner?: DownloadProgress): DownloadProgress {
    return {
      start: (total, resumed) => {
        this.started++;
        this.known += total ?? 0;
        this.done += resumed;
        inner?.start(total, resumed);
        this.onChange?.(this.snapshot());
      },
      advance: (bytes) => {
        this.done += bytes;
        inner?.advance(bytes);
        this.onChange?.(this.snapshot());
      },
    };
  }

  snapshot(): PullSnapshot {
    return {
      doneBytes: this.done,
      knownBytes: this.known,
      filesStarted: this.started,
      elapsedMs: Date.now() - this.t0,
    };
  }
}

/** "37% · 1.2 of 3.4 GiB · 45.1 MiB/s" (percent of the sizes known so far). */
export function describePull(s: PullSnapshot): string {
  const gib = (b: number): string =>
    b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(1)} MiB`;
  const pct = s.knownBytes > 0 ? Math.min(100, Math.floor((100 * s.doneBytes) / s.knownBytes)) : 0;
  const rate = s.elapsedMs > 0 ? `${(s.doneBytes / 1024 ** 2 / (s.elapsedMs / 1000)).toFixed(1)} MiB/s` : '';
  return `${pct}% · ${gib(s.doneBytes)} of ${gib(s.knownBytes)} · ${rate}`;
}
