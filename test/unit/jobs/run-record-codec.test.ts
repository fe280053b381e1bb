import { describe, expect, it } from 'vitest';
import { decodeRecord, encodePatch, encodeRecord, pairsToHash } from '../../../src/jobs/run-record-codec.ts';
import type { RunRecord } from '../../../src/core/run.ts';

const run = {
  id: 'r_1',
  kind: 'provision',
  runner: 'rb-01',
  plan: ['find-vm'],
  spec: { name: 'rb-01', tags: [] },
  requester: { userId: 'U1', via: 'slack' },
  status: 'queued',
  checkpoint: 0,
  outputs: { node: 'pve1', previous: { vmid: 9 } },
  createdAt: 1,
  updatedAt: 1,
} as unknown as RunRecord;

describe('run record codec', () => {
  it('round-trips a record, empty arrays and nested outputs included', () => {
    expect(decodeRecord(pairsToHash(encodeRecord(run)))).toEqual(run);
  });

  it('turns a patch into field writes, one per output key, and removals for undefined keys', () => {
    expect(encodePatch({ checkpoint: 2, outputs: { vmid: 9001, ip: undefined }, error: undefined })).toEqual({
      set: ['checkpoint', '2', 'out.vmid', '9001'],
      remove: ['out.ip', 'error'],
    });
  });

  it('reads a missing record as null', () => {
    expect(decodeRecord({})).toBeNull();
  });
});
