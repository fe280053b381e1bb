// Who may POST /alerts: what Alertmanager's http_config can send — a bearer token, or basic auth
// (user:password). Compared in constant time over fixed-length digests, so neither the secret's
// content nor its length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AlertCredentials {
  token?: string;
  /** `user:password`. */
  basicAuth?: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
// The configured secrets' digests, made once: a storm of notifications pays one hash per request.
const expectedDigests = new Map<string, Buffer>();
const expectedDigest = (secret: string): Buffer => {
  let known = expectedDigests.get(secret);
  if (!known) expectedDigests.set(secret, (known = digest(secret)));
  return known;
};
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), expectedDigest(expected));

export function isAuthorized(header: string | undefined, credentials: AlertCredentials): boolean {
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const [, scheme = '', value = ''] = match;
  if (scheme.toLowerCase() === 'bearer') return credentials.token !== undefined && sameSecret(value, credentials.token);
  if (credentials.basicAuth === undefined) return false;
  return sameSecret(Buffer.from(value, 'base64').toString('utf8'), credentials.basicAuth);
}
