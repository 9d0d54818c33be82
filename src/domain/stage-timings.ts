// Per-stage durations of one request (decode, preprocess, each graph, postprocess), in milliseconds.

export class StageTimings {
  private readonly stages = new Map<string, number>();

  add(stage: string, ms: number): void {
    this.stages.set(stage, (this.stages.get(stage) ?? 0) + ms);
  }

  async time<T>(stage: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.stages].map(([k, v]) => [k, Math.round(v * 100) / 100]));
  }
}
