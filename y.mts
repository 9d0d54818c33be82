import { readFile } from 'node:fs/promises';
import { cleanPromptText } from './src/model/sam3/prompt-text.ts';
const d = JSON.parse(await readFile('test/fixtures/reference/tokenizer/corpus.json', 'utf8'));
let bad = 0; const kinds = new Map();
for (const c of d.cases) { const ours = cleanPromptText(c.text); if (ours !== c.clean) { bad++; if (bad <= 25) console.log(JSON.stringify(c.text), '->', JSON.stringify(ours), 'ref', JSON.stringify(c.clean)); } }
console.log('mismatch', bad, 'of', d.cases.length);
