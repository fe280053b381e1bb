// Issue 15.1 from the terminal: `provision` of an existing runner with another spec is refused
// and points at `reprovision`; a reprovision with a new profile leaves GitLab's tags, config.toml
// and `status` agreeing; `status` shows drift between the record, the VM and GitLab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliWorld, type CliWorld } from './cli-world.ts';

const NAME = 'gitlab-runner-15';
let world: CliWorld;
beforeAll(async () => {
  world = await startCliWorld();
  const built = await world.runnerbot(['provision', NAME]);
  expect(built.code, built.stderr).toBe(0);
}, 180_000);
afterAll(() => world?.close(), 60_000);

const vm = () => [...world.sims.proxmox.state.vms.values()].find((v) => v.config.name === NAME)!;
const runner = () => world.sims.gitlab.runners().find((r) => r.description === NAME)!;
const editRunner = (id: number, body: object) =>
  fetch(`${world.sims.gitlab.url}/api/v4/runners/${id}`, {
    method: 'PUT',
    headers: { 'private-token': world.sims.gitlab.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('a change of spec to an existing runner', () => {
  it('is refused by provision, naming each change and the reprovision that makes it, and nothing changes', async () => {
    const before = {
      vm: structuredClone(vm().config),
      tags: runner().tagList,
      proxmoxCalls: world.sims.proxmox.requests.filter((r) => r.method !== 'GET').length,
    };
    const result = await world.runnerbot(['provision', NAME, '--profile', 'build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RUNNER.SPEC_CHANGE');
    expect(result.stderr).toContain('profile default → build');
    expect(result.stderr).toContain('privileged false → true');
    expect(result.stderr).toContain(`\`reprovision ${NAME} --profile build\``);
    expect(vm().config).toEqual(before.vm);
    expect(runner().tagList).toEqual(before.tags);
    expect(world.sims.proxmox.requests.filter((r) => r.method !== 'GET')).toHaveLength(before.proxmoxCalls);
  });

  it('is refused for a size or tag override too; the same spec again only repairs', async () => {
    const bigger = await world.runnerbot(['provision', NAME, '--cores', '16', '--tags', 'gpu']);
    expect(bigger.code).toBe(1);
    expect(bigger.stderr).toMatch(/cores \d+ → 16; tags \[docker, linux\] → \[docker, gpu, linux\]/);
    const same = await world.runnerbot(['provision', NAME]);
    expect(same.code, same.stderr).toBe(0);
  });

  it('status shows drift when GitLab or the VM no longer match the record', async () => {
    const clean = await world.runnerbot(['status', NAME]);
    expect(clean.stdout).toMatch(/drift +none found/);
    expect((await editRunner(runner().id, { tag_list: ['docker', 'linux', 'privileged'] })).status).toBe(200);
    vm().config.cores = '1';
    const drifted = await world.runnerbot(['status', NAME]);
    expect(drifted.stdout).toContain(
      "GitLab tags [docker, linux, privileged] differ from the record's [docker, linux]",
    );
    expect(drifted.stdout).toMatch(/VM has 1 cores, profile default builds \d+/);
    const json = JSON.parse((await world.runnerbot(['status', NAME, '--json'])).stdout) as {
      runners: { drift: string[] }[];
    };
    expect(json.runners[0]!.drift).toHaveLength(2);
  });

  it('reprovision --profile build leaves GitLab tags, config.toml and status agreeing', async () => {
    const result = await world.runnerbot([
      'reprovision',
      NAME,
      '--profile',
      'build',
      '--reason',
      'needs dind',
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect([...runner().tagList].sort()).toEqual(['dind', 'docker']);
    const toml = await world.sims.farm!.readFile(vm().vmid, '/etc/gitlab-runner/config.toml');
    expect(toml).toMatch(/privileged = true/);
    expect(Number(vm().config.cores)).toBe(8);
    const status = await world.runnerbot(['status', NAME]);
    expect(status.stdout).toMatch(/profile +build/);
    expect(status.stdout).toMatch(/tags +dind, docker/);
    expect(status.stdout).toMatch(/GitLab +#\d+ online, .*tags dind, docker/);
    expect(status.stdout).toMatch(/drift +none found/);
  });
});
