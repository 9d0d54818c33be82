"""Reference goldens for prompt-text cleaning and tokenization (sam3-server issue #22, divergence 3).

Meta's SAM 3 tokenizer (sam3/model/tokenizer_ve.py, clean="lower") cleans every prompt before BPE: ftfy.fix_text, then
html.unescape twice, strip, whitespace runs collapsed to one space, lower case. Its split pattern knows only its own
special tokens, so `<|endoftext|>` typed by a user is plain text (three pieces: `<|`, `endoftext`, `|>`).

This script builds a corpus of varied prompts (plain phrases, and the same phrases as phones, web pages and broken
encodings deliver them: curly quotes, HTML entities, ligatures, full-width forms, mojibake, odd whitespace, control
characters, decomposed accents, special-token strings) and writes, for each, Meta's cleaned text and the token ids
Meta's algorithm gives with the CLIP-structured tokenizer.json named on the command line (the repository's demo
tokenizer: its vocabulary is small, so rare pieces fall back to bytes, which exercises the byte path too).

Usage: python tools/reference/make_tokenizer_goldens.py .cache/test-models/demo-r504/tokenizer.json
"""

from __future__ import annotations

import html
import json
import os
import sys

import ftfy
import regex as re

OUT = os.path.join("test", "fixtures", "reference", "tokenizer", "corpus.json")
SOT, EOT, CONTEXT = 49406, 49407, 32

# Meta's split pattern without its own special tokens (a user cannot type those through sam3-server's API).
PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)


def meta_clean(text: str) -> str:
    text = ftfy.fix_text(text)
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r"\s+", " ", text).strip().lower()


def byte_symbols() -> dict[int, str]:
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class MetaBpe:
    """Meta's BPE over a tokenizer.json's merges and vocabulary (ids looked up by piece)."""

    def __init__(self, path: str):
        spec = json.load(open(path, encoding="utf-8"))
        merges = spec["model"]["merges"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in merges]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.vocab = spec["model"]["vocab"]
        self.bytes = byte_symbols()

    def bpe(self, piece: str) -> list[str]:
        word = list(piece[:-1]) + [piece[-1] + "</w>"]
        while len(word) > 1:
            pairs = [(word[i], word[i + 1]) for i in range(len(word) - 1)]
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def ids(self, cleaned: str) -> list[int]:
        out = [SOT]
        for token in PATTERN.findall(cleaned):
            mapped = "".join(self.bytes[b] for b in token.encode("utf-8"))
            out.extend(self.vocab[p] for p in self.bpe(mapped))
        out.append(EOT)
        if len(out) > CONTEXT:
            out = out[: CONTEXT - 1] + [EOT]
        return out


NOUNS = ["person", "dog", "cat", "car", "red car", "the blue ball", "a small dog", "woman's shirt", "man with a hat",
         "traffic light", "café table", "naïve art", "crème brûlée", "jalapeño", "school bus", "T-shirt", "iPhone 15",
         "3 apples", "the cat's toy", "rock 'n' roll", "person's bag", "don't care", "straße", "Ελληνικά", "日本語のテキスト",
         "emoji 🐶 dog", "R&D lab", "AT&T store", "50% off", "x < y", "a > b", "C++ book", "e-mail", "co-operate", "O'Brien"]
ADJ = ["", "red ", "big ", "old ", "shiny "]


def variants(phrase: str) -> list[str]:
    curly = phrase.replace("'", "\u2019")
    return [
        phrase,
        phrase.upper(),
        curly,
        phrase.replace("'", "\u2018"),
        f"\u201c{phrase}\u201d",
        phrase.replace("&", "&amp;"),
        phrase.replace("&", "&amp;amp;"),
        phrase.replace("'", "&#39;").replace("&", "&amp;") if "'" in phrase else f"{phrase} &quot;x&quot;",
        f"{phrase}&nbsp;here",
        phrase.replace(" ", "\u00a0"),
        phrase.replace(" ", "\t\n "),
        f"  {phrase}  ",
        phrase.replace("fi", "\ufb01").replace("fl", "\ufb02"),
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in phrase),
        curly.encode("utf-8").decode("cp1252", errors="replace") if all(ord(c) < 0x2100 or c == "\u2019" for c in curly) else phrase,
        phrase.encode("utf-8").decode("latin-1"),
        f"\ufeff{phrase}",
        f"{phrase}\u200b",
        f"\x1b[31m{phrase}\x1b[0m",
        f"{phrase}\x07",
        "cafe\u0301 " + phrase,
        f"{phrase} <|endoftext|> extra",
        f"<|startoftext|>{phrase}",
        phrase.replace(" ", "\r\n"),
        f"{phrase} &eacute;t&eacute;",
        f"{phrase} &#x2014; &#8212;",
        f"{phrase}…",
    ]


def corpus() -> list[str]:
    seen, out = set(), []
    for noun in NOUNS:
        for adj in ADJ:
            for text in variants(adj + noun):
                if text not in seen:
                    seen.add(text)
                    out.append(text)
    # Long prompts (truncation keeps end-of-text last) and empty-after-cleaning ones.
    out += ["red " * 40, "a very long description of " * 8 + "a dog", "&nbsp;", "\u200b\u200b", "   "]
    return out


def main(tokenizer_path: str) -> int:
    bpe = MetaBpe(tokenizer_path)
    rows = []
    for text in corpus():
        cleaned = meta_clean(text)
        rows.append({"text": text, "clean": cleaned, "ids": bpe.ids(cleaned)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"about": "Meta SAM 3 prompt cleaning (ftfy.fix_text, html.unescape x2, whitespace, lower) and BPE ids with the demo tokenizer.json; tools/reference/make_tokenizer_goldens.py", "ftfy": ftfy.__version__, "cases": rows}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    changed = sum(1 for r in rows if r["clean"] != re.sub(r"\s+", " ", r["text"]).strip().lower())
    print(f"wrote {OUT}: {len(rows)} prompts, {changed} changed by cleaning beyond whitespace and case")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
