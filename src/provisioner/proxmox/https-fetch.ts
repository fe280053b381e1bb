// The `fetch` handed to proxmox-api: node:https with a per-client Agent, so the Proxmox CA (or
// `insecure`) applies to this client only — never the process-wide NODE_TLS_REJECT_UNAUTHORIZED.
// proxmox-api accepts a `fetch` option and reads only status, statusText, headers and the body.
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | null;
}

export type Fetch = (url: string | URL, init?: FetchInit) => Promise<Response>;

export function fetchTrusting(tls: { ca?: string; insecure?: boolean }): Fetch {
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}) });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(String(url));
      const secure = target.protocol === 'https:';
      const options = {
        method: init.method ?? 'GET',
        headers: init.headers,
        ...(secure ? { agent } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const req = (secure ? httpsRequest : httpRequest)(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
          resolve(new Response(body, { status: res.statusCode ?? 502, statusText: res.statusMessage ?? '', headers }));
        });
      });
      // as undici's fetch does, so proxmox-api puts the cause (e.g. a certificate error) in its message
      req.on('error', (cause: Error) => reject(new TypeError('fetch failed', { cause })));
      req.end(init.body);
    });
}
