// A run record is stored as a Redis hash: one field per top-level key (JSON), and one
// `out.<key>` field per output, so an update is a single HSET that merges outputs key by key
// without reading the record first.
import type { RunOutputs, RunRecord } from '../core/run.ts';

const OUTPUT_FIELD = 'out.';

export interface FieldChanges {
  set: string[];
  remove: string[];
}

/** Hash changes for a patch; a key that is present with `undefined` removes that field. */
export function encodePatch(patch: Record<string, unknown>): FieldChanges {
  const changes: FieldChanges = { set: [], remove: [] };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'outputs' && value !== undefined) {
      addFields(changes, OUTPUT_FIELD, value as Partial<RunOutputs>);
    } else if (key !== 'id') {
      addField(changes, key, value);
    }
  }
  return changes;
}

export function encodeRecord(run: RunRecord): string[] {
  const { outputs, ...rest } = run;
  const changes = encodePatch({ ...rest, outputs });
  return ['id', JSON.stringify(run.id), ...changes.set];
}

export function decodeRecord(hash: Record<string, string>): RunRecord | null {
  if (!hash.id) return null;
  const record: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const [field, json] of Object.entries(hash)) {
    if (field.startsWith(OUTPUT_FIELD)) outputs[field.slice(OUTPUT_FIELD.length)] = JSON.parse(json);
    else record[field] = JSON.parse(json);
  }
  return { ...record, outputs } as unknown as RunRecord;
}

/** Turns HGETALL's flat array reply (from a Lua script) into an object. */
export function pairsToHash(pairs: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i]!] = pairs[i + 1]!;
  return hash;
}

function addFields(changes: FieldChanges, prefix: string, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) addField(changes, prefix + key, value);
}

function addField(changes: FieldChanges, field: string, value: unknown): void {
  if (value === undefined) changes.remove.push(field);
  else changes.set.push(field, JSON.stringify(value));
}
