// Walks the zod schema of runnerbot.yaml along a dotted path (`proxmox.vmidRange.min`,
// `profiles.build.privileged`, `alerts.routes[].channel`) to the schema of that key.
import type { z } from 'zod';
import { didYouMean } from '../../../src/core/did-you-mean.ts';

type Def = { type: string; innerType?: unknown; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown; in?: unknown };
const def = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

const WRAPPERS = ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'];

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (WRAPPERS.includes(d.type)) current = d.innerType;
    else if (d.type === 'pipe') current = d.in;
    else return current;
  }
}

/** The keys a mapping at this schema takes, or undefined when it is not a fixed mapping. */
export function keysOf(schema: unknown): string[] | undefined {
  const d = def(unwrap(schema));
  return d.type === 'object' ? Object.keys(d.shape!) : undefined;
}

export type Resolved = { ok: true; schema: z.ZodType } | { ok: false; problem: string };

export function resolvePath(root: z.ZodType, path: string): Resolved {
  let schema: unknown = root;
  const walked: string[] = [];
  for (const rawSegment of path.split('.')) {
    const [, key = rawSegment, index] = /^(.*?)(\[\d*\])?$/.exec(rawSegment) ?? [];
    const d = def(unwrap(schema));
    if (d.type === 'object') {
      const next = d.shape![key];
      if (next === undefined) {
        const guess = didYouMean(key, Object.keys(d.shape!));
        const where = walked.length > 0 ? walked.join('.') : 'the top level';
        return { ok: false, problem: `no key "${key}" in ${where}${guess ? ` (did you mean "${guess}"?)` : ''}` };
      }
      schema = next;
    } else if (d.type === 'record') schema = d.valueType;
    else if (d.type === 'array' && /^\d+$/.test(key)) schema = d.element;
    else return { ok: false, problem: `${walked.join('.')} is not a mapping, so it has no "${key}"` };
    walked.push(rawSegment);
    if (index !== undefined) {
      const element = def(unwrap(schema));
      if (element.type !== 'array') return { ok: false, problem: `${walked.join('.')} is not a list` };
      schema = element.element;
    }
  }
  return { ok: true, schema: schema as z.ZodType };
}
