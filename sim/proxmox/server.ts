// The HTTP side of the simulator: faults, token auth, the endpoint lookup, permission checks,
// parameter verification against the schema, then the handler; answers shaped like pveproxy's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../faults.ts';
import { authenticate, authorize } from './auth.ts';
import type { SimToken } from './auth.ts';
import { PveError, parameterError } from './errors.ts';
import { HANDLERS } from './handlers/index.ts';
import type { SimRuntime } from './runtime.ts';
import { matchEndpoint } from './schema.ts';
import { validateParameters } from './validate.ts';

export interface RequestLogEntry {
  method: string;
  /** Relative to /api2/json, e.g. `/nodes/pve1/qemu/100/config`. */
  path: string;
  /** Query and body parameters as the server decoded them (never the Authorization header). */
  params: Record<string, string>;
  status: number;
}

const API_PREFIX = '/api2/json';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, reason?: string): void {
  res.statusCode = status;
  if (reason)
    res.statusMessage = reason
      .split('\n')[0]!
      .replace(/[^\x20-\x7e]/g, ' ')
      .trim();
  res.setHeader('content-type', 'application/json;charset=UTF-8');
  res.end(JSON.stringify(body));
}

export function requestHandler(rt: SimRuntime, tokens: SimToken[], faults: Faults, log: RequestLogEntry[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://pve.invalid');
    const body = await readBody(req);
    const path = url.pathname.startsWith(`${API_PREFIX}/`) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (body && (method === 'POST' || method === 'PUT'))
      Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    const entry: RequestLogEntry = { method, path, params, status: 0 };
    log.push(entry);
    if (await faults.apply(`${method} ${path}`, res)) {
      entry.status = res.statusCode;
      return;
    }
    try {
      const token = authenticate(tokens, req.headers.authorization);
      const match = matchEndpoint(method, path);
      if (match.kind === 'unknown' || !url.pathname.startsWith(API_PREFIX))
        throw new PveError(501, `Method '${method} ${path}' not implemented`);
      const all = { ...params, ...match.pathParams };
      authorize(rt.state, match.endpoint, token, all);
      const errors = validateParameters(match.endpoint.parameters, all);
      if (Object.keys(errors).length > 0) throw parameterError(errors);
      const data = await HANDLERS[match.endpoint.key]!(rt, { params: all, token });
      entry.status = 200;
      send(res, 200, { data: data ?? null });
    } catch (error) {
      const pve =
        error instanceof PveError
          ? error
          : new PveError(500, `${error instanceof Error ? error.message : String(error)}\n`);
      entry.status = pve.status;
      send(
        res,
        pve.status,
        { data: null, message: pve.message, ...(pve.errors ? { errors: pve.errors } : {}) },
        pve.message,
      );
    }
  };
}
