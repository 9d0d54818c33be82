// CLIP BPE for concept prompts via @huggingface/tokenizers: truncation to the context length keeping the end
// token last, padding with the end token and an attention mask (as transformers' SAM 3 processor does).
import { cleanPromptText } from './prompt-text.js';
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { SamError } from '../../domain/errors.js';

export interface EncodedText {
  readonly ids: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  /** Number of real tokens (start and end included) before padding. */
  readonly length: number;
}

export class ClipTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly startTokenId: number,
    private readonly endTokenId: number,
    /** Matches the added (special) token strings, so that a user typing one gets text, as in Meta's tokenizer. */
    private readonly specials: RegExp | undefined,
  ) {}

  static async load(path: string): Promise<ClipTokenizer> {
    let json: { added_tokens?: Array<{ id: number; content: string }> };
    try {
      json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
    } catch (cause) {
      throw new SamError(
        'MODEL_LOAD_FAILED',
        `Could not read tokenizer ${path}: ${(cause as Error).message}`,
        { field: 'tokenizer' },
        { cause },
      );
    }
    const end = json.added_tokens?.find((t) => t.content === '<|endoftext|>');
    const start = json.added_tokens?.find((t) => t.content === '<|startoftext|>');
    if (!end || !start)
      throw new SamError(
        'MODEL_LOAD_FAILED',
        `Tokenizer ${path} has no <|startoftext|>/<|endoftext|> tokens; expected a CLIP tokenizer.json`,
        { field: 'tokenizer' },
      );
    const escaped = (json.added_tokens ?? []).map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new ClipTokenizer(
      new Tokenizer(json, {}),
      start.id,
      end.id,
      escaped.length ? new RegExp(`(${escaped.join('|')})`) : undefined,
    );
  }

  /**
   * Encodes to exactly `contextLength` ids; the end token is always the last real token. The text is cleaned as
   * Meta's SAM 3 tokenizer cleans it (prompt-text.ts), and special-token strings in it are plain text.
   */
  encode(text: string, contextLength: number): EncodedText {
    const raw = [this.startTokenId, ...this.textIds(cleanPromptText(text)), this.endTokenId];
    let ids = raw;
    if (ids.length > contextLength) ids = [...ids.slice(0, contextLength - 1), this.endTokenId];
    const out = new BigInt64Array(contextLength).fill(BigInt(this.endTokenId));
    const mask = new BigInt64Array(contextLength);
    ids.forEach((id, i) => {
      out[i] = BigInt(id);
      mask[i] = 1n;
    });
    return { ids: out, attentionMask: mask, length: ids.length };
  }

  /** BPE ids of cleaned text without start/end tokens; a special-token string is split as CLIP splits text. */
  private textIds(text: string): number[] {
    const plain = (part: string): number[] =>
      part ? this.tokenizer.encode(part, { add_special_tokens: false }).ids : [];
    if (!this.specials) return plain(text);
    const ids: number[] = [];
    text.split(this.specials).forEach((part, i) => {
      // Odd parts are the special strings themselves: each of CLIP's pieces (`<|`, `endoftext`, `|>`) on its own.
      if (i % 2 === 1) for (const piece of part.match(CLIP_PIECES) ?? []) ids.push(...plain(piece));
      else ids.push(...plain(part));
    });
    return ids;
  }
}

/** CLIP's split of text into pieces (without its contractions, which special-token strings never contain). */
const CLIP_PIECES = /[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;
