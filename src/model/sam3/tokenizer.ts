// CLIP BPE for concept prompts via @huggingface/tokenizers: truncation to the context length keeping the end
// token last, padding with the end token and an attention mask (HF-based contracts, spec sam3-onnx.md §4).
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
    private readonly endTokenId: number,
  ) {}

  static async load(path: string): Promise<ClipTokenizer> {
    let json: { added_tokens?: Array<{ id: number; content: string }> };
    try {
      json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
    } catch (cause) {
      throw new SamError('MODEL_LOAD_FAILED', `Could not read tokenizer ${path}: ${(cause as Error).message}`, { field: 'tokenizer' }, { cause });
    }
    const end = json.added_tokens?.find((t) => t.content === '<|endoftext|>');
    if (!end) throw new SamError('MODEL_LOAD_FAILED', `Tokenizer ${path} has no <|endoftext|> token; expected a CLIP tokenizer.json`, { field: 'tokenizer' });
    return new ClipTokenizer(new Tokenizer(json, {}), end.id);
  }

  /** Encodes to exactly `contextLength` ids; the end token is always the last real token. */
  encode(text: string, contextLength: number): EncodedText {
    const raw: number[] = this.tokenizer.encode(text).ids;
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
}
