// The pure halves of issue 15.1: what counts as a change of spec, and what counts as drift.
import { describe, expect, it } from 'vitest';
import { driftOf } from '../../../src/app/runner-drift.ts';
import { specChanges } from '../../../src/app/spec-change.ts';
import type { FleetEntry, GitlabRunner } from '../../../src/core/ports.ts';
import type { RunnerSpec } from '../../../src/core/spec.ts';

const spec = (over: Partial<RunnerSpec> = {}): RunnerSpec => ({
  name: 'gitlab-runner-01',
  profile: 'default',
  cores: 4,
  memoryMiB: 8192,
  diskGiB: 64,
  tags: ['docker', 'linux'],
  concurrency: 2,
  privileged: false,
  defaultImage: 'alpine',
  allowedImages: [],
  allowedServices: [],
  allowedPullPolicies: [],
  volumes: [],
  ...over,
});
const entry: FleetEntry = {
  name: 'gitlab-runner-01',
  vmid: 5000,
  node: 'pve1',
  ip: '10.0.0.5',
  profile: 'default',
  runnerId: 7,
  tags: ['linux', 'docker'],
  provisionedAt: 0,
};
const gitlab = (tagList: string[]): GitlabRunner => ({
  id: 7,
  description: 'gitlab-runner-01',
  tagList,
  paused: false,
  locked: true,
  runUntagged: false,
  status: 'online',
  online: true,
});

describe('specChanges', () => {
  it('finds none for the same spec, whatever the tag order', () => {
    expect(specChanges(entry, spec(), spec({ tags: ['linux', 'docker'] }))).toEqual([]);
  });
  it('names each changed field, from → to', () => {
    const wanted = spec({
      profile: 'build',
      cores: 8,
      memoryMiB: 16384,
      diskGiB: 200,
      privileged: true,
      tags: ['docker', 'dind'],
      node: 'pve2',
    });
    expect(specChanges(entry, spec(), wanted)).toEqual([
      'profile default → build',
      'cores 4 → 8',
      'memory (MiB) 8192 → 16384',
      'disk (GiB) 64 → 200',
      'privileged false → true',
      'tags [docker, linux] → [dind, docker]',
      'node pve1 → pve2',
    ]);
  });
  it('compares profile and tags with the record when no successful build is known', () => {
    expect(specChanges(entry, null, spec({ cores: 99 }))).toEqual([]);
    expect(specChanges(entry, null, spec({ tags: ['docker'] }))).toEqual(['tags [docker, linux] → [docker]']);
  });
});

describe('driftOf', () => {
  const vmConfig = { cores: 4, memory: '8192' };
  it('finds none when the record, the VM and GitLab agree', () => {
    expect(driftOf({ entry, built: spec(), gitlab: gitlab(['docker', 'linux']), vmConfig })).toEqual([]);
  });
  it('names GitLab tags, VM size and a missing VM or runner', () => {
    expect(
      driftOf({ entry, built: spec(), gitlab: gitlab(['docker']), vmConfig: { cores: 8, memory: 'current=4096' } }),
    ).toEqual([
      "GitLab tags [docker] differ from the record's [docker, linux]",
      'VM has 8 cores, profile default builds 4',
      'VM has 4096 MiB of memory, profile default builds 8192 MiB',
    ]);
    expect(driftOf({ entry, built: spec(), gitlab: null, vmConfig: null })).toEqual([
      'record says GitLab runner #7, GitLab has no such runner',
      'record says VM 5000 on pve1, Proxmox has no such VM',
    ]);
  });
  it('says nothing about what it could not read', () => {
    expect(driftOf({ entry, built: spec(), gitlab: undefined, vmConfig: undefined })).toEqual([]);
    expect(driftOf({ entry: null, built: null, gitlab: null, vmConfig: null })).toEqual([]);
  });
});
