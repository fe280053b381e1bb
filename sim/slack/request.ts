// Reads a Web API call as Slack does: arguments from the query string and from a form or JSON
// body; the token from `Authorization: Bearer` or, for form and query calls, a `token` argument.
import type { IncomingMessage } from 'node:http';

export type Args = Record<string, unknown>;

export interface ParsedCall {
  args: Args;
  token?: string;
  /** The body was not parseable in its declared content type. */
  badBody?: 'invalid_json' | 'invalid_form_data';
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseCall(req: IncomingMessage, url: URL, body: string): ParsedCall {
  const args: Args = Object.fromEntries(url.searchParams);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  let badBody: ParsedCall['badBody'];
  let bodyToken: string | undefined;
  if (body && type === 'application/json') {
    try {
      const json = JSON.parse(body) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        // A token inside a JSON body is not read by Slack: JSON calls authenticate by header only.
        const { token: _ignored, ...rest } = json as Args;
        Object.assign(args, rest);
      } else badBody = 'invalid_json';
    } catch {
      badBody = 'invalid_json';
    }
  } else if (body) {
    const form = Object.fromEntries(new URLSearchParams(body));
    bodyToken = form.token;
    delete form.token;
    Object.assign(args, form);
  }
  const queryToken = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
  const token = bearer || bodyToken || queryToken || undefined;
  return { args, ...(token ? { token } : {}), ...(badBody ? { badBody } : {}) };
}

/** A form argument that carries JSON (blocks, view) arrives as a string; a JSON body's as a value. */
export function jsonArg(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}

export function stringArg(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  return String(value);
}
