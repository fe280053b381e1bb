// Checks a request against the trimmed OpenAPI fixtures (the runners subset, and openapi-ci.json
// for repository files, commits, pipelines and the runner's job API) the way GitLab's Grape API does: the route
// must exist, path/query/body parameters must have the declared types and values, required ones
// must be present. Errors use Grape's shape: 400 {"error":"runner_type is missing, id is invalid"}.
// Stricter than GitLab on purpose: a parameter the fixture does not declare is refused too, so a
// client sending `tagList` instead of `tag_list` fails a test instead of being silently ignored.
import fixture from './openapi-runners.json' with { type: 'json' };
import ciFixture from './openapi-ci.json' with { type: 'json' };

interface Schema {
  type?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  'x-required-when'?: Record<string, Record<string, unknown>>;
  'x-at-least-one-of'?: string[];
  'x-mutually-exclusive'?: string[];
}
type FieldSchema = Pick<Schema, 'type' | 'enum' | 'items'>;
interface Parameter extends FieldSchema {
  name: string;
  in: 'path' | 'query' | 'body';
  required?: boolean;
  schema?: { $ref: string };
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
}

export type Params = Record<string, unknown>;
export type Validated =
  { ok: true; operationId: string; params: Params } | { ok: false; status: 400 | 404; body: Record<string, unknown> };

const definitions = { ...fixture.definitions, ...ciFixture.definitions } as Record<string, Schema>;
// Literal paths first, so /runners/verify is not read as /runners/{id}.
const routes = Object.entries({ ...fixture.paths, ...ciFixture.paths } as Record<string, Record<string, Operation>>)
  .sort(([a], [b]) => Number(a.includes('{')) - Number(b.includes('{')))
  .map(([template, ops]) => ({ pattern: new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`), ops }));

/** Grape's coercions: integers and booleans may arrive as strings, string arrays as "a,b". */
function coerce(value: unknown, schema: FieldSchema): { ok: true; value: unknown } | { ok: false } {
  switch (schema.type) {
    case 'integer': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      return Number.isInteger(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === '1' || value === 1) return { ok: true, value: true };
      if (value === 'false' || value === '0' || value === 0) return { ok: true, value: false };
      return { ok: false };
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
        ? { ok: true, value: String(value) }
        : { ok: false };
    case 'array': {
      const list =
        typeof value === 'string'
          ? value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : value;
      if (!Array.isArray(list)) return { ok: false };
      const items = list.map((v) => coerce(v, schema.items ?? { type: 'string' }));
      return items.every((i) => i.ok)
        ? { ok: true, value: items.map((i) => (i as { value: unknown }).value) }
        : { ok: false };
    }
    default:
      return { ok: true, value };
  }
}

function checkFields(
  fields: Array<[string, FieldSchema, boolean]>,
  input: Params,
  problems: string[],
  out: Params,
): void {
  for (const [name, schema, required] of fields) {
    if (input[name] === undefined || input[name] === null) {
      if (required) problems.push(`${name} is missing`);
      continue;
    }
    const c = coerce(input[name], schema);
    if (!c.ok) problems.push(`${name} is invalid`);
    else if (schema.enum && !schema.enum.includes(c.value)) problems.push(`${name} does not have a valid value`);
    else out[name] = c.value;
  }
}

function checkBody(def: Schema, input: Params, problems: string[], out: Params): void {
  const props = def.properties ?? {};
  const when = def['x-required-when'] ?? {};
  const requiredWhen = (name: string) =>
    when[name] !== undefined && Object.entries(when[name]).every(([k, v]) => input[k] === v);
  const required = (name: string) => (def.required ?? []).includes(name) || requiredWhen(name);
  checkFields(
    Object.entries(props).map(([n, s]) => [n, s, required(n)]),
    input,
    problems,
    out,
  );
  const oneOf = def['x-at-least-one-of'];
  if (oneOf && !oneOf.some((n) => input[n] !== undefined))
    problems.push(`${oneOf.join(', ')} are missing, at least one parameter must be provided`);
  const exclusive = def['x-mutually-exclusive'];
  if (exclusive && exclusive.filter((n) => input[n] !== undefined).length > 1)
    problems.push(`${exclusive.join(', ')} are mutually exclusive`);
}

export function validateRequest(method: string, pathname: string, query: Params, body: Params): Validated {
  const notFound = { ok: false, status: 404, body: { error: '404 Not Found' } } as const;
  const m = method.toLowerCase();
  const route =
    routes.find((r) => r.pattern.test(pathname) && r.ops[m]) ?? routes.find((r) => r.pattern.test(pathname));
  const op = route?.ops[m];
  if (!route || !op) return notFound;
  const pathParams = route.pattern.exec(pathname)?.groups ?? {};
  const params: Params = {};
  const problems: string[] = [];
  const declared = new Set<string>();
  for (const p of op.parameters ?? []) {
    if (p.in === 'body' && p.schema) {
      const def = definitions[p.schema.$ref.replace('#/definitions/', '')] ?? {};
      Object.keys(def.properties ?? {}).forEach((n) => declared.add(n));
      checkBody(def, { ...query, ...body }, problems, params);
    } else {
      declared.add(p.name);
      checkFields([[p.name, p, p.required === true]], p.in === 'path' ? pathParams : query, problems, params);
    }
  }
  const unknown = Object.keys({ ...query, ...body }).filter((k) => !declared.has(k));
  problems.push(...unknown.map((k) => `${k} is not a parameter of ${op.operationId}`));
  if (problems.length > 0) return { ok: false, status: 400, body: { error: problems.join(', ') } };
  return { ok: true, operationId: op.operationId, params };
}

/** Query strings as Grape reads them: `tag_list[]=a&tag_list[]=b` is the array ["a","b"]. */
export function parseQuery(search: URLSearchParams): Params {
  const out: Params = {};
  for (const [rawKey, value] of search) {
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2);
      out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    } else out[rawKey] = value;
  }
  return out;
}
