// Issue 18 part 2 from the terminal: `runnerbot rotate-token NAME|--all` against the simulated
// GitLab and fake VMs (real sshd): GitLab refuses the old token, config.toml holds the new one,
// `gitlab-runner verify` passed on the VM and nothing was restarted; no token leaves the VM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisFleet } from '../../src/jobs/redis-fleet.ts';
import { startCliWorld, type CliWorld } from './cli-world.ts';
import { gitlabTakes, vmToken } from '../support/runner-token.ts';

let world: CliWorld;
beforeAll(async () => {
  world = await startCliWorld();
  for (const name of ['gitlab-runner-11', 'gitlab-runner-12']) {
    const made = await world.runnerbot(['provision', name]);
    if (made.code !== 0) throw new Error(`provision ${name} failed: ${made.stdout}${made.stderr}`);
  }
}, 240_000);
afterAll(() => world?.close(), 60_000);

const vmidOf = (name: string) => [...world.sims.proxmox.state.vms.values()].find((vm) => vm.config.name === name)!.vmid;
const fleet = () => createRedisFleet(world.redis, world.prefix);

describe('runnerbot rotate-token', () => {
  it('without --yes and without a terminal refuses before GitLab is asked anything', async () => {
    const before = world.sims.gitlab.requests().length;
    const result = await world.runnerbot(['rotate-token', 'gitlab-runner-11']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to rotate-token gitlab-runner-11 without confirmation/);
    expect(world.sims.gitlab.requests().length).toBe(before);
  });

  it('refuses a runner runnerbot does not manage', async () => {
    const result = await world.runnerbot(['rotate-token', 'gitlab-runner-99', '--yes']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/RUNNER.NOT_FOUND: runnerbot manages no runner named gitlab-runner-99/);
  });

  it('installs a new token: the old one is refused, the new one verifies on the VM, the runner is not restarted', async () => {
    const vmid = vmidOf('gitlab-runner-11');
    const oldToken = await vmToken(world.sims.farm!, vmid);
    const configBefore = (await world.sims.farm!.readFile(vmid, '/etc/gitlab-runner/config.toml'))!;
    const callsBefore = (await world.sims.farm!.calls(vmid)).length;
    const recordBefore = await fleet().get('gitlab-runner-11');

    const result = await world.runnerbot(['rotate-token', 'gitlab-runner-11', '--reason', 'quarterly', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ reset-token +applied/);
    expect(result.stdout).toMatch(/✓ install-token +applied/);
    expect(result.stdout).toMatch(/rotate-token of gitlab-runner-11 succeeded/);

    const newToken = await vmToken(world.sims.farm!, vmid);
    expect(newToken).toMatch(/^glrt-/);
    expect(newToken).not.toBe(oldToken);
    expect(await gitlabTakes(world.sims.gitlab, oldToken)).toBe(false);
    expect(await gitlabTakes(world.sims.gitlab, newToken)).toBe(true);
    // Only the token lines changed; the file is still 0600-written by runnerbot.
    const configAfter = (await world.sims.farm!.readFile(vmid, '/etc/gitlab-runner/config.toml'))!;
    const untouched = (t: string) => t.replace(/^\s*token(_obtained_at|_expires_at)?\s*=.*$/gm, '');
    expect(untouched(configAfter)).toBe(untouched(configBefore));
    expect(configAfter).toMatch(/token_obtained_at = \d{4}-\d\d-\d\dT/);

    const calls = (await world.sims.farm!.calls(vmid)).slice(callsBefore);
    expect(calls.some((c) => c.cmd === 'gitlab-runner' && c.args[0] === 'verify')).toBe(true);
    expect(calls.some((c) => c.cmd === 'systemctl' && ['restart', 'stop'].includes(c.args[0] ?? ''))).toBe(false);

    const record = await fleet().get('gitlab-runner-11');
    expect(record!.tokenObtainedAt).toBeGreaterThan(recordBefore!.tokenObtainedAt ?? 0);
    expect(await world.auditText()).toMatch(/"kind":"rotate-token"/);
  });

  it('--all rotates every runner one at a time and prints which rotated', async () => {
    const vmids = ['gitlab-runner-11', 'gitlab-runner-12'].map(vmidOf);
    const before = await Promise.all(vmids.map((vmid) => vmToken(world.sims.farm!, vmid)));
    const result = await world.runnerbot(['rotate-token', '--all', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rotate-token of all runners succeeded.*rotated gitlab-runner-11 gitlab-runner-12/);
    const after = await Promise.all(vmids.map((vmid) => vmToken(world.sims.farm!, vmid)));
    for (const [i, token] of after.entries()) {
      expect(token).not.toBe(before[i]);
      expect(await gitlabTakes(world.sims.gitlab, before[i]!)).toBe(false);
      expect(await gitlabTakes(world.sims.gitlab, token)).toBe(true);
    }
  });

  it('status shows the token age and expiry', async () => {
    const status = await world.runnerbot(['status', 'gitlab-runner-11']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/token +obtained (just now|\d+ s ago)/);
  });

  it('never lets a glrt- token or another secret out of the VM', async () => {
    const secrets = [world.sims.proxmox.token.secret, world.sims.gitlab.token, world.sims.slack.botToken];
    const seen = [
      await world.redisText(),
      await world.auditText(),
      JSON.stringify(world.sims.proxmox.requests),
      JSON.stringify(world.sims.gitlab.requests()),
      world.sims.slack.receivedText(),
    ].join('\n');
    expect(seen).not.toMatch(/glrt-/);
    for (const secret of secrets) expect(seen).not.toContain(secret);
  });
});
