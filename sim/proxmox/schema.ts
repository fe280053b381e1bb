// The trimmed PVE API schema (pve-schema.json, made by scripts/specs/gen-proxmox.ts) and the
// lookup of the endpoint a request addresses.
import { readFileSync } from 'node:fs';

export interface ParamSchema {
  type?: string;
  format?: string | Record<string, ParamSchema>;
  optional?: number;
  enum?: string[];
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  default_key?: number;
  alias?: string;
  keyAlias?: string;
}

export type PermissionCheck = [string, ...unknown[]];

export interface Endpoint {
  key: string;
  method: string;
  template: string;
  name: string;
  allowtoken?: number;
  parameters: { additionalProperties?: number; properties?: Record<string, ParamSchema> };
  permissions?: { check?: PermissionCheck; user?: string };
}

const fixture = JSON.parse(readFileSync(new URL('./pve-schema.json', import.meta.url), 'utf8')) as {
  endpoints: Record<string, Omit<Endpoint, 'key' | 'method' | 'template'>>;
};

export const ENDPOINTS: Endpoint[] = Object.entries(fixture.endpoints).map(([key, e]) => {
  const [method, template] = key.split(' ') as [string, string];
  return { ...e, key, method, template };
});

export type Match = { kind: 'found'; endpoint: Endpoint; pathParams: Record<string, string> } | { kind: 'unknown' };

function matchTemplate(template: string, path: string): Record<string, string> | null {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    if (w.startsWith('{')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) return null;
  }
  return params;
}

/** Finds the endpoint for `METHOD /path` (the path relative to /api2/json). */
export function matchEndpoint(method: string, path: string): Match {
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const pathParams = matchTemplate(endpoint.template, path);
    if (pathParams) return { kind: 'found', endpoint, pathParams };
  }
  return { kind: 'unknown' };
}
