// The names one scale-out deployment shares in Redis: key prefixes, BullMQ queue names and pub/sub channels, so API
// nodes and workers (job queue and queued engine alike) agree on them in one place.

/** Events every node hears: a job settled (records are re-read), or a job or engine call is to be aborted. */
export type DeploymentEvent = { type: 'settled'; id: string } | { type: 'cancel'; id: string };

export const eventsChannel = (prefix: string): string => `${prefix}:events`;
/** BullMQ's own keys, under the deployment's prefix. */
export const bullPrefix = (prefix: string): string => `${prefix}:bull`;

/** BullMQ queue of engine calls any worker may take, and the one of a single worker (it holds an embedding). */
export const ENGINE_QUEUE = 'engine';
export const workerEngineQueue = (workerId: string): string => `engine-${workerId}`;
/** Where a worker leaves an engine reply, and the channel that tells the waiting API node. */
export const replyKey = (prefix: string, callId: string): string => `${prefix}:rpc:reply:${callId}`;
export const replyChannel = (prefix: string, nodeId: string): string => `${prefix}:rpc:node:${nodeId}`;
/** Live workers (sorted set by last heartbeat) and each one's description. */
export const workersKey = (prefix: string): string => `${prefix}:workers`;
export const workerKey = (prefix: string, workerId: string): string => `${prefix}:worker:${workerId}`;
/** Which worker holds the cached embedding of an image id. */
export const embeddingOwnerKey = (prefix: string, imageId: string): string => `${prefix}:embedding:${imageId}`;
/** A worker missing heartbeats for this long is taken as gone. */
export const WORKER_TTL_MS = 15_000;
