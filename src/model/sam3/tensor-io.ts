// Re-exports of the ORT session types that sam3/ uses, so that only ort/ imports onnxruntime-node directly.
export { ort, type Fetches, type Feeds } from '../ort/graph-session.js';
export type { GraphSession as BundleGraphRun } from '../ort/graph-session.js';
