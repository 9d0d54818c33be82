// `sam3 worker`: a scale-out worker. Loads the model, takes jobs (and synchronous engine calls) from the Redis queue,
// and on SIGTERM/SIGINT finishes running jobs within SAM3_SHUTDOWN_GRACE_MS, handing the rest back.
import { readSettings, type SettingName } from '../config/settings.js';
import { loadLocalEngine, pullIfMissing } from '../compose.js';
import { startWorker } from '../compose-scaleout.js';
import { SamError } from '../domain/errors.js';
import { createLogger } from '../observability/logger.js';
import { redactUrl } from './redact-url.js';

export async function runWorker(overrides: Partial<Record<SettingName, string>>): Promise<void> {
  const settings = readSettings(process.env, overrides);
  if (!settings.queue)
    throw new SamError(
      'INVALID_ARGUMENT',
      'sam3 worker needs the queue: --queue redis://HOST:PORT/DB (or SAM3_QUEUE)',
      { field: 'queue', expected: 'redis://HOST:PORT/DB', received: '' },
    );
  const logger = createLogger(settings.logLevel, { format: settings.logFormat });
  if (settings.autoPull) await pullIfMissing(settings, (m) => logger.info(m));
  const engine = await loadLocalEngine(settings, logger);
  const worker = startWorker(settings, engine, logger);
  logger.info(
    {
      worker: worker.id,
      queue: redactUrl(settings.queue),
      prefix: settings.queuePrefix,
      kinds: settings.kinds,
      model: engine.info().model.name,
      device: engine.info().model.device,
    },
    'worker ready',
  );
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: finishing running jobs (up to ${settings.shutdownGraceMs} ms), then handing the rest back`);
    await worker.close(settings.shutdownGraceMs);
    await engine.close();
    logger.info('worker stopped');
    process.exit(process.exitCode ?? 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
