// `sam3 serve`: settings (flags over SAM3_* variables) → the HTTP server; listens at once, loads the model in the
// background (/readyz flips when done), warns when open without API keys, and shuts down cleanly on SIGINT/SIGTERM.
// With --queue it is an API node of a scale-out deployment (no model unless --work).
import { SamError } from '../domain/errors.js';
import { readdir, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { CATALOGUE } from '../model/store/catalogue.js';
import { readSettings, type SettingName } from '../config/settings.js';
import { createServer } from '../compose.js';
import { redactUrl } from './redact-url.js';

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

export async function runServe(
  overrides: Partial<Record<SettingName, string>>,
  options: { work?: boolean } = {},
): Promise<void> {
  const settings = readSettings(process.env, overrides);
  // A model given as a directory is checked before listening: a typo would otherwise serve 503s for ever. (Catalogue
  // names not yet installed keep the server up, saying what to pull; pure API nodes load no model.)
  if (!settings.queue || options.work) await checkModelDirectory(settings.model);
  const server = await createServer(settings, options);
  const log = server.app.log;
  if (settings.apiKeys.length === 0) {
    if (isLoopback(settings.host))
      log.info(
        `no API keys configured: listening on loopback (${settings.host}) only; set SAM3_API_KEYS or --api-key before exposing it`,
      );
    else
      log.warn(
        `no API keys configured and listening on ${settings.host}: anyone who can reach this port can use the server; set SAM3_API_KEYS or --api-key`,
      );
  }
  if (settings.queue)
    log.info(
      `API node of the queue ${redactUrl(settings.queue)} (prefix ${settings.queuePrefix}); ${options.work ? 'also working: loading the model' : 'models run on `sam3 worker` processes'}`,
    );
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: closing (in-flight requests finish first)`);
    await server.close();
    process.exit(process.exitCode ?? 0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await server.app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    await server.close().catch(() => undefined);
    throw listenError(error, settings.host, settings.port);
  }
  server.modelLoaded?.then(
    (engine) => log.info({ model: engine.info().model }, 'model loaded; ready'),
    // Keep serving: /healthz and /docs work, /readyz and inference answer 503 saying what to run.
    (error: Error) => log.error(`model failed to load: ${error.message}`),
  );
}

/** Why the server could not listen, in words and with the setting to change (instead of Node's stack). */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new SamError(
      'INVALID_ARGUMENT',
      `Port ${port} on ${host} is already in use: stop the other server or choose another port (--port or SAM3_PORT)`,
      { field: 'port', received: port },
    );
  if (code === 'EACCES')
    return new SamError(
      'INVALID_ARGUMENT',
      `Not allowed to listen on ${where} (ports below 1024 need privileges): choose another port (--port or SAM3_PORT)`,
      { field: 'port', received: port },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new SamError(
      'INVALID_ARGUMENT',
      `${host} is not an address of this machine: choose another (--host or SAM3_HOST)`,
      { field: 'host', received: host },
    );
  return error;
}

/** A `--model` that is neither `demo` nor a catalogue name must be a directory holding .onnx graphs. */
async function checkModelDirectory(model: string): Promise<void> {
  if (model === 'demo' || CATALOGUE.some((b) => b.name === model)) return;
  const graphs: string[] = [];
  for (const dir of [model, join(model, 'onnx')])
    graphs.push(...(await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.onnx')));
  if (graphs.length > 0) return;
  const exists = await stat(model).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const known = CATALOGUE.map((b) => b.name).join(', ');
  throw new SamError(
    'MODEL_NOT_FOUND',
    exists
      ? `--model ${model} holds no .onnx graphs (in it or in its onnx/ folder); see the README section "Getting real weights"`
      : `--model ${model} is neither a directory nor a catalogue name (${known}, demo)`,
    { field: 'model', received: model },
  );
}
