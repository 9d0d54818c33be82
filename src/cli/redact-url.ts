// Hides the password of a connection URL (redis://user:secret@host) before it is logged or printed.
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)([^:@/]*):[^@/]*@/i, '$1$2:***@');
}
