// A small tokenizer.json with the structure of CLIP's (NFC/whitespace/lowercase, regex split, byte-level BPE with
// </w>, RobertaProcessing with 49406/49407) and a vocabulary of a few dozen words, for the demo model.

export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;

const WORDS = [
  'red',
  'green',
  'blue',
  'yellow',
  'cyan',
  'magenta',
  'white',
  'black',
  'the',
  'a',
  'an',
  'of',
  'and',
  'in',
  'on',
  'with',
  'visual',
  'object',
  'thing',
  'shape',
  'person',
  'man',
  'woman',
  'dog',
  'cat',
  'car',
  'cloth',
  'shirt',
  'ball',
  'box',
  'square',
  'circle',
  'gray',
  'grey',
  'orange',
  'purple',
  'pink',
  'brown',
  'light',
  'dark',
  'big',
  'small',
];

/** GPT-2/CLIP byte → printable unicode symbol table. */
function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  return table;
}

/** Runs BPE with the current merge ranks on one word's symbols. */
function applyMerges(symbols: string[], ranks: Map<string, number>): string[] {
  const parts = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return parts;
    parts.splice(best, 2, parts[best]! + parts[best + 1]!);
  }
}

export interface DemoTokenizer {
  json: Record<string, unknown>;
  /** Token id of each word of the vocabulary (one token per word, `word</w>`). */
  wordIds: Map<string, number>;
}

export function buildDemoTokenizer(): DemoTokenizer {
  const symbols = byteSymbols();
  const vocab: Record<string, number> = {};
  symbols.forEach((s, i) => (vocab[s] = i));
  symbols.forEach((s, i) => (vocab[`${s}</w>`] = 256 + i));
  let next = 512;
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  const wordIds = new Map<string, number>();
  for (const word of WORDS) {
    const chars = [...word];
    const start = chars.map((c, i) => (i === chars.length - 1 ? `${c}</w>` : c));
    let parts = applyMerges(start, ranks);
    while (parts.length > 1) {
      const pair = `${parts[0]} ${parts[1]}`;
      const merged = parts[0]! + parts[1]!;
      ranks.set(pair, merges.length);
      merges.push(pair);
      if (vocab[merged] === undefined) vocab[merged] = next++;
      parts = [merged, ...parts.slice(2)];
    }
    wordIds.set(word, vocab[parts[0]!]!);
  }
  vocab['<|startoftext|>'] = START_OF_TEXT;
  vocab['<|endoftext|>'] = END_OF_TEXT;
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(START_OF_TEXT, '<|startoftext|>'), special(END_OF_TEXT, '<|endoftext|>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['<|endoftext|>', END_OF_TEXT],
      cls: ['<|startoftext|>', START_OF_TEXT],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<|endoftext|>',
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  return { json, wordIds };
}
