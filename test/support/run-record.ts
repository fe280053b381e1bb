// The one builder of run records for tests: a queued provision of gitlab-runner-02 at its first
// step, with a plain spec named after the runner. A test states only what matters to it.
import { planFor } from '../../src/core/plan.ts';
import type { RunRecord } from '../../src/core/run.ts';
import type { RunnerSpec } from '../../src/core/spec.ts';

export type RunRecordOverrides = Partial<Omit<RunRecord, 'spec'>> & { spec?: Partial<RunnerSpec> };

export function runRecord(overrides: RunRecordOverrides = {}): RunRecord {
  const { spec, ...rest } = overrides;
  const kind = rest.kind ?? 'provision';
  const runner = rest.runner ?? 'gitlab-runner-02';
  return {
    id: `r_${runner}`,
    kind,
    runner,
    plan: planFor(kind),
    requester: { userId: 'U1', via: 'cli' },
    status: 'queued',
    checkpoint: 0,
    outputs: {},
    createdAt: 0,
    updatedAt: 0,
    ...rest,
    spec: {
      name: runner,
      profile: 'build',
      cores: 2,
      memoryMiB: 4096,
      diskGiB: 20,
      tags: [],
      concurrency: 1,
      privileged: false,
      defaultImage: 'alpine',
      allowedImages: [],
      allowedServices: [],
      allowedPullPolicies: [],
      volumes: [],
      ...spec,
    },
  };
}
