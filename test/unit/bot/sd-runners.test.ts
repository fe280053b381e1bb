import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sdRunnersHandler } from '../../../src/http/sd-runners.ts';
import type { Fleet, FleetEntry } from '../../../src/core/ports.ts';

function fleetOf(entries: FleetEntry[]): Fleet {
  return {
    upsert: async () => {},
    remove: async () => {},
    list: async () => entries,
    get: async (name) => entries.find((e) => e.name === name) ?? null,
  };
}

const runner: FleetEntry = {
  name: 'gitlab-runner-01',
  vmid: 120,
  node: 'pve1',
  ip: '10.0.0.5',
  profile: 'default',
  runnerId: 7,
  tags: [],
  provisionedAt: 0,
};

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function serve(fleet: Fleet): Promise<string> {
  const handler = sdRunnersHandler(fleet);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd/runners`;
}

describe('GET /sd/runners', () => {
  it('serves the fleet as Prometheus HTTP SD JSON', async () => {
    const res = await fetch(await serve(fleetOf([runner])));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const groups = (await res.json()) as { targets: string[]; labels: Record<string, string> }[];
    expect(groups.map((g) => [g.targets, g.labels.job, g.labels.runner, g.labels.vmid])).toEqual([
      [['10.0.0.5:9100'], 'node', 'gitlab-runner-01', '120'],
      [['10.0.0.5:8080'], 'cadvisor', 'gitlab-runner-01', '120'],
      [['10.0.0.5:9252'], 'gitlab-runner', 'gitlab-runner-01', '120'],
    ]);
  });

  it('serves an empty array when no runner is managed', async () => {
    const res = await fetch(await serve(fleetOf([])));
    expect(await res.text()).toBe('[]');
  });

  it('answers 503 when the fleet cannot be read, so Prometheus keeps its last targets', async () => {
    const broken: Fleet = { ...fleetOf([]), list: async () => Promise.reject(new Error('redis down')) };
    const res = await fetch(await serve(broken));
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('redis down');
  });

  it('refuses other methods', async () => {
    const res = await fetch(await serve(fleetOf([runner])), { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
