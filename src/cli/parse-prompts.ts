// Command-line prompt syntax → domain prompts: "--point x,y[,0]", "--box x0,y0,x1,y1", "--exemplar x0,y0,x1,y1[,0]".
import { invalidArgument } from '../domain/errors.js';
import type { PixelBox } from '../domain/geometry.js';
import type { ClickPoint, ConceptPrompt, ExemplarBox, ObjectPrompt } from '../domain/prompts.js';

function numbers(value: string, flag: string, counts: number[], expected: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (!counts.includes(parts.length) || parts.some((n) => !Number.isFinite(n)))
    throw invalidArgument(flag, expected, value);
  return parts;
}

export function parsePoint(value: string): ClickPoint {
  const [x, y, label] = numbers(value, '--point', [2, 3], 'x,y or x,y,0 (0 = negative click)');
  return { x: x!, y: y!, positive: label !== 0 };
}

export function parseBox(value: string, flag = '--box'): PixelBox {
  const [x0, y0, x1, y1] = numbers(value, flag, [4], 'x0,y0,x1,y1 in pixels');
  return { x0: x0!, y0: y0!, x1: x1!, y1: y1! };
}

export function parseExemplar(value: string): ExemplarBox {
  const parts = numbers(value, '--exemplar', [4, 5], 'x0,y0,x1,y1 or x0,y0,x1,y1,0 (0 = negative exemplar)');
  return { box: { x0: parts[0]!, y0: parts[1]!, x1: parts[2]!, y1: parts[3]! }, positive: parts[4] !== 0 };
}

/**
 * "red, blue" → one concept per comma-separated phrase, each carrying the exemplars; exemplars without text form
 * one visual concept. Points form one object (with the box when exactly one is given); other boxes are objects.
 */
export function buildPrompts(opts: { text?: string; point?: string[]; box?: string[]; exemplar?: string[] }): {
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
} {
  const exemplars = (opts.exemplar ?? []).map(parseExemplar);
  const phrases = (opts.text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const concepts: ConceptPrompt[] = phrases.map((text) => (exemplars.length ? { text, exemplars } : { text }));
  if (phrases.length === 0 && exemplars.length > 0) concepts.push({ exemplars });
  const points = (opts.point ?? []).map(parsePoint);
  const boxes = (opts.box ?? []).map((b) => parseBox(b));
  const objects: ObjectPrompt[] = [];
  if (points.length > 0) objects.push(boxes.length === 1 ? { points, box: boxes.shift()! } : { points });
  for (const box of boxes) objects.push({ box });
  return { concepts, objects };
}
