// Label Studio's labeling config (XML) → what the ML backend needs: the image tag's name and task-data key, and each
// control tag on that image (brush, bitmask, polygon, rectangle, keypoint) with its label names.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SamError } from '../../domain/errors.js';

export type ControlKind = 'brush' | 'bitmask' | 'polygon' | 'rectangle' | 'keypoint';

export interface Control {
  readonly kind: ControlKind;
  /** The control's `name` (a result's `from_name`). */
  readonly name: string;
  /** The image tag's name (a result's `to_name`). */
  readonly toName: string;
  /** `<Label value>` of the control, in order. */
  readonly labels: readonly string[];
}

export interface LabelConfig {
  readonly image: { readonly name: string; readonly dataKey: string };
  readonly controls: readonly Control[];
}

const KINDS: Record<string, ControlKind> = {
  BrushLabels: 'brush',
  BitmaskLabels: 'bitmask',
  PolygonLabels: 'polygon',
  RectangleLabels: 'rectangle',
  KeyPointLabels: 'keypoint',
};

/** Longest config accepted, and most labels read from it (Label Studio configs are a few kB). */
export const MAX_LABEL_CONFIG_CHARS = 200_000;
export const MAX_LABELS = 1_000;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Every element a list (one <Label> or many read alike); attributes stay plain values.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
});

/** Every element of the tree with its tag name, depth first. */
function* walk(node: unknown, tag = ''): Generator<[string, Node]> {
  if (Array.isArray(node)) {
    for (const child of node) yield* walk(child, tag);
    return;
  }
  if (!node || typeof node !== 'object') return;
  if (tag) yield [tag, node as Node];
  for (const [key, value] of Object.entries(node)) if (!key.startsWith('@') && key !== '#text') yield* walk(value, key);
}

const invalid = (message: string): SamError =>
  new SamError('INVALID_ARGUMENT', message, { field: 'label_config', expected: 'a Label Studio labeling config' });

export function parseLabelConfig(xml: string): LabelConfig {
  if (typeof xml !== 'string' || xml.trim() === '') throw invalid('Expected a labeling config (label_config)');
  if (xml.length > MAX_LABEL_CONFIG_CHARS)
    throw invalid(`Expected a labeling config of at most ${MAX_LABEL_CONFIG_CHARS} characters`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw invalid(`The labeling config is not valid XML: ${valid.err.msg} (line ${valid.err.line})`);
  const tree: unknown = parser.parse(xml);
  const images: Array<{ name: string; dataKey: string }> = [];
  const found: Control[] = [];
  let labels = 0;
  for (const [tag, node] of walk(tree)) {
    if (tag === 'Image') {
      const name = node['@name'];
      const value = node['@value'];
      if (typeof name === 'string' && typeof value === 'string' && value.startsWith('$'))
        images.push({ name, dataKey: value.slice(1) });
      continue;
    }
    const kind = KINDS[tag];
    if (!kind) continue;
    const name = node['@name'];
    const toName = node['@toName'];
    if (typeof name !== 'string' || typeof toName !== 'string') continue;
    const values: string[] = [];
    for (const [childTag, child] of walk(node.Label, 'Label')) {
      if (childTag !== 'Label' || typeof child['@value'] !== 'string') continue;
      if (++labels > MAX_LABELS) throw invalid(`Expected at most ${MAX_LABELS} labels in the labeling config`);
      values.push(child['@value']);
    }
    found.push({ kind, name, toName, labels: values });
  }
  const image = images[0];
  if (!image) throw invalid('The labeling config has no <Image name="…" value="$…"> tag to segment');
  const controls = found
    .filter((c) => c.toName.split(',').includes(image.name))
    .map((c) => ({ ...c, toName: image.name }));
  if (!controls.some((c) => c.kind !== 'keypoint'))
    throw invalid(
      `The labeling config has no <BrushLabels>, <BitmaskLabels>, <PolygonLabels> or <RectangleLabels> on the image "${image.name}"`,
    );
  return { image, controls };
}
