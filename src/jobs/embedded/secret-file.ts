// The server's persistent secrets (signed-link key, webhook secret) in one 0600 JSON file under the data directory,
// created on first start, so links and webhook signatures stay valid across restarts.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { newWebhookSecret } from '../webhook-signature.js';

export interface ServerSecrets {
  linkSecret: string;
  webhookSecret: string;
}

export function loadOrCreateSecrets(path: string): ServerSecrets {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ServerSecrets>;
    if (typeof parsed.linkSecret === 'string' && typeof parsed.webhookSecret === 'string')
      return { linkSecret: parsed.linkSecret, webhookSecret: parsed.webhookSecret };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Cannot read the secrets file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const secrets = { linkSecret: randomBytes(32).toString('base64url'), webhookSecret: newWebhookSecret() };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return secrets;
}
