// The process logger: pino JSON lines with request serializers that never print API keys.
import { pino, stdSerializers, type Logger } from 'pino';

const redactUrl = (url: string): string => url.replace(/([?&]api_key=)[^&]*/gi, '$1***');

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '***' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
    },
  });
}
