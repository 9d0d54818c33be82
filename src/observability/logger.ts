// The process logger: pino JSON lines (or pino-pretty lines on a terminal) with request serializers that never print
// API keys or signed-link tokens.
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';

/** Query parameters that carry a credential, compared after percent-decoding and lowercasing their names. */
const CREDENTIAL_PARAMS = new Set([
  'api_key',
  'apikey',
  'key',
  'token',
  'access_token',
  'auth',
  'password',
  'signature',
  'sig',
]);
/** Headers that carry one. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/**
 * A request URL fit for the log: every credential-bearing query parameter's value replaced by `***`, whatever its
 * name's spelling on the wire (`%61pi_key`, `API_KEY`, `api%5Fkey`), since the server decodes names before reading them.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const parts = url.slice(at + 1).split('&');
  const kept = parts.map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    return CREDENTIAL_PARAMS.has(name.trim().toLowerCase()) ? `${rawName}=***` : part;
  });
  return `${url.slice(0, at)}?${kept.join('&')}`;
}

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  /** `auto`: pretty when `destination` (stdout by default) is a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Whether a format and a destination give readable lines rather than JSON. */
export function prettyLogs(format: LogFormat, destination: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && destination.isTTY === true);
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const config = {
    level,
    redact: { paths: CREDENTIAL_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]), censor: '***' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
    },
  };
  const destination = options.destination ?? process.stdout;
  if (!prettyLogs(options.format ?? 'json', destination))
    return options.destination ? pino(config, options.destination as DestinationStream) : pino(config);
  // Formatted in this thread (no transport worker), after redaction: the same fields, one readable line each.
  const pretty = prettyStream({
    destination,
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
  });
  return pino(config, pretty);
}
