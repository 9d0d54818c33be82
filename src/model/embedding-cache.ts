// LRU cache of vision-encoder outputs bounded by a byte budget, keyed by image content hash with image_id aliases.

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

interface Entry<T> {
  value: T;
  bytes: number;
}

export class EmbeddingCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly aliases = new Map<string, string>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly maxBytes: number) {}

  /** Looks up by content key or by an alias (a caller's image_id); a hit refreshes recency. */
  get(key: string): T | undefined {
    const resolved = this.entries.has(key) ? key : this.aliases.get(key);
    const entry = resolved === undefined ? undefined : this.entries.get(resolved);
    if (!entry || resolved === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(resolved);
    this.entries.set(resolved, entry);
    return entry.value;
  }

  /** Whether `key` (content key or alias) is cached; counts neither a hit nor a miss and keeps recency. */
  has(key: string): boolean {
    const resolved = this.entries.has(key) ? key : this.aliases.get(key);
    return resolved !== undefined && this.entries.has(resolved);
  }

  /** Stores under `key`; entries larger than the whole budget are not kept. Evicts least recently used. */
  set(key: string, value: T, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.bytes -= this.entries.get(oldest)!.bytes;
      this.entries.delete(oldest);
      for (const [alias, target] of this.aliases) if (target === oldest) this.aliases.delete(alias);
    }
  }

  alias(alias: string, key: string): void {
    if (alias !== key) this.aliases.set(alias, key);
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }
}

/** Small LRU by entry count (text features per prompt string). */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as K);
  }
}
