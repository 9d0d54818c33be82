// Prompt text as SAM 3 was trained to read it: Meta's tokenizer cleans every prompt before BPE (ftfy's fix_text,
// HTML entities decoded twice, whitespace collapsed, lower case). Without it, what phones and web pages send (curly
// apostrophes, `&amp;`, ligatures, full-width letters, mojibake) tokenizes into other ids than the model saw.
// ftfy's steps are reproduced here in its order, checked against Meta's cleaning on a corpus of prompts.
import { decodeHTML, decodeHTMLStrict } from 'entities';

/** Python's str.isspace() characters (strip) and the `regex` module's \s (collapse), which differ from JS's \s. */
const PY_STRIP =
  /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PY_SPACES = /[\t-\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** ftfy remove_terminal_escapes: ANSI colour and cursor codes. */
const ANSI = /\x1b\[((?:\d|;)*)([a-zA-Z])/g;
/** ftfy remove_control_chars: C0 controls but tab, newline, form feed and CR; DEL; deprecated format chars; BOM. */
const CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;
const LIGATURES: Record<string, string> = {
  Ĳ: 'IJ',
  ĳ: 'ij',
  ŉ: 'ʼn',
  Ǳ: 'DZ',
  ǲ: 'Dz',
  ǳ: 'dz',
  Ǆ: 'DŽ',
  ǅ: 'Dž',
  ǆ: 'dž',
  Ǉ: 'LJ',
  ǈ: 'Lj',
  ǉ: 'lj',
  Ǌ: 'NJ',
  ǋ: 'Nj',
  ǌ: 'nj',
  ﬀ: 'ff',
  ﬁ: 'fi',
  ﬂ: 'fl',
  ﬃ: 'ffi',
  ﬄ: 'ffl',
  ﬅ: 'ſt',
  ﬆ: 'st',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

/** Windows-1252's 0x80–0x9F (undefined ones map to the C1 control of the same number, as ftfy's sloppy codec). */
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';
const CP1252_BYTE = new Map<string, number>([...CP1252_HIGH].map((c, i) => [c, 0x80 + i]));

/** The byte a character stands for in sloppy Windows-1252, or undefined. */
function sloppyByte(c: string): number | undefined {
  const code = c.charCodeAt(0);
  if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
  return CP1252_BYTE.get(c) ?? (code >= 0x80 && code <= 0x9f ? code : undefined);
}

/** Characters that begin a UTF-8 sequence misread as Windows-1252 (Ã©, â€™, Â·, Ð¾, ðŸ…), then a continuation. */
const MOJIBAKE =
  /[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * ftfy fix_encoding for the common case: UTF-8 text decoded as Windows-1252 or Latin-1 (once or twice). The text is
 * re-encoded to the bytes it was misread from and decoded as UTF-8 when that is valid, while it still looks broken.
 */
function fixMojibake(text: string): string {
  let current = text;
  for (let pass = 0; pass < 3 && MOJIBAKE.test(current); pass++) {
    const bytes: number[] = [];
    for (const c of current) {
      const b = sloppyByte(c);
      if (b === undefined) return current;
      bytes.push(b);
    }
    try {
      current = utf8.decode(Uint8Array.from(bytes));
    } catch {
      return current;
    }
  }
  return current;
}

/** ftfy fix_c1_controls: a C1 control left in the text stands for its Windows-1252 character. */
const fixC1 = (text: string): string => text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);

/** ftfy fix_character_width: full-width and half-width forms (and the ideographic space) to their usual forms. */
const fixWidth = (text: string): string =>
  text.replace(/[\u3000\uff01-\uffef]/g, (c) => (c === '\u3000' ? ' ' : c.normalize('NFKC')));

/** ftfy's fix_text with its default configuration, in its order of steps. */
export function fixText(text: string): string {
  let t = text;
  // unescape_html "auto": entities with a semicolon, unless the text looks like HTML.
  if (!t.includes('<')) t = t.replace(/&#?[0-9A-Za-z]{1,24};/g, (entity) => decodeEntity(entity));
  t = fixMojibake(t);
  t = fixC1(t);
  t = t.replace(LIGATURE_RE, (c) => LIGATURES[c]!);
  t = fixWidth(t);
  t = t.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
  t = t.replace(/\r\n|[\r\u2028\u2029\x85]/g, '\n');
  t = t.replace(ANSI, '').replace(CONTROL, '');
  return t.normalize('NFC');
}

/** One entity as ftfy decodes it: HTML5 names (also in capitals: `&EACUTE;`), decimal and hex references. */
function decodeEntity(entity: string): string {
  const decoded = decodeHTMLStrict(entity);
  if (decoded !== entity) return decoded;
  const lower = decodeHTMLStrict(entity.toLowerCase());
  return lower !== entity.toLowerCase() && /^&[A-Z]+;$/.test(entity) ? lower.toUpperCase() : entity;
}

/** Meta's SAM 3 prompt cleaning (tokenizer_ve `clean="lower"`): fix_text, unescape twice, strip, collapse, lower. */
export function cleanPromptText(text: string): string {
  const unescaped = decodeHTML(decodeHTML(fixText(text))).replace(PY_STRIP, '');
  return unescaped.replace(PY_SPACES, ' ').replace(PY_STRIP, '').toLowerCase();
}
