import { describe, expect, it } from 'vitest';
import type { FleetEntry } from '../../../src/core/ports.ts';
import { runnerTargetGroups } from '../../../src/core/sd-targets.ts';

function entry(name: string, ip: string, vmid = 120): FleetEntry {
  return { name, vmid, node: 'pve1', ip, profile: 'default', runnerId: 7, tags: ['docker'], provisionedAt: 0 };
}

describe('runnerTargetGroups', () => {
  it('gives each runner a node_exporter, cAdvisor and gitlab-runner target group with its labels', () => {
    expect(runnerTargetGroups([entry('gitlab-runner-01', '10.0.0.5')])).toEqual([
      {
        targets: ['10.0.0.5:9100'],
        labels: { job: 'node', runner: 'gitlab-runner-01', node: 'pve1', vmid: '120', profile: 'default' },
      },
      {
        targets: ['10.0.0.5:8080'],
        labels: { job: 'cadvisor', runner: 'gitlab-runner-01', node: 'pve1', vmid: '120', profile: 'default' },
      },
      {
        targets: ['10.0.0.5:9252'],
        labels: { job: 'gitlab-runner', runner: 'gitlab-runner-01', node: 'pve1', vmid: '120', profile: 'default' },
      },
    ]);
  });

  it('is an empty list for an empty fleet', () => {
    expect(runnerTargetGroups([])).toEqual([]);
  });

  it('orders runners by name and leaves out runners that have no address yet', () => {
    const groups = runnerTargetGroups([
      entry('gitlab-runner-b', '10.0.0.6', 121),
      entry('gitlab-runner-c', ''),
      entry('gitlab-runner-a', '10.0.0.5'),
    ]);
    expect(groups.map((g) => `${g.labels.runner} ${g.targets[0]}`)).toEqual([
      'gitlab-runner-a 10.0.0.5:9100',
      'gitlab-runner-a 10.0.0.5:8080',
      'gitlab-runner-a 10.0.0.5:9252',
      'gitlab-runner-b 10.0.0.6:9100',
      'gitlab-runner-b 10.0.0.6:8080',
      'gitlab-runner-b 10.0.0.6:9252',
    ]);
  });

  it('brackets IPv6 addresses', () => {
    expect(runnerTargetGroups([entry('gitlab-runner-01', 'fd00::5')])[0]?.targets).toEqual(['[fd00::5]:9100']);
  });
});
