// Issue 3 from the terminal: `runnerbot provision|deprovision|reprovision` against the simulated
// Proxmox VE, GitLab and fake VMs (real sshd), asserted on what exists afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliWorld, type CliWorld } from './cli-world.ts';

let world: CliWorld;
beforeAll(async () => {
  world = await startCliWorld();
}, 120_000);
afterAll(() => world?.close(), 60_000);

const vmsNamed = (name: string) => [...world.sims.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);
const runnersNamed = (name: string) => world.sims.gitlab.runners().filter((r) => r.description === name);

describe('runnerbot provision', () => {
  it('builds one hardened, registered VM and prints one line per step', async () => {
    const result = await world.runnerbot(['provision', 'gitlab-runner-02']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ clone +applied +[\d.]+s$/m);
    expect(result.stdout).toMatch(/^○ wait-ip +checked +[\d.]+s$/m);
    expect(result.stdout).toMatch(/^○ verify +checked +[\d.]+s$/m);
    expect(result.stdout).not.toMatch(/wait-ssh +already done/);
    expect(result.stdout).toMatch(
      /provision of gitlab-runner-02 succeeded in [\d.]+s: VMID \d+, node pve1, IP 127\.\d+\.\d+\.\d+, GitLab runner \d+/,
    );

    const [vm] = vmsNamed('gitlab-runner-02');
    expect(vmsNamed('gitlab-runner-02')).toHaveLength(1);
    expect(String(vm!.config.tags).split(';')).toEqual(expect.arrayContaining(['gitlab-runner', 'runnerbot']));
    expect(decodeURIComponent(String(vm!.config.sshkeys)).trim()).toBe(
      (await import('node:fs'))
        .readFileSync(`${world.config.env.RUNNERBOT_CONFIG!.replace(/runnerbot\.yaml$/, 'id_ed25519.pub')}`, 'utf8')
        .trim(),
    );
    const [runner] = runnersNamed('gitlab-runner-02');
    expect(runnersNamed('gitlab-runner-02')).toHaveLength(1);
    expect(runner).toMatchObject({ locked: true, runUntagged: false, paused: false });
    expect(runner!.contactedAt).not.toBeNull();

    const toml = await world.sims.farm!.readFile(vm!.vmid, '/etc/gitlab-runner/config.toml');
    expect(toml).toMatch(/listen_address = ":9252"/);
    expect(toml).toMatch(/token = "glrt-/);
    expect(toml).not.toMatch(/session_server/);
    const rules = await world.sims.farm!.readFile(vm!.vmid, '/var/lib/sim/ufw/rules');
    expect(rules).toMatch(/port 9100/);
  });

  it('announces the terminal run in the runs channel, with its thread, and audits the OS user and host', async () => {
    const { hostname, userInfo } = await import('node:os');
    const who = `cli:${userInfo().username}@${hostname()}`;
    const { CHANNELS } = await import('../../sandbox/people.ts');
    const channel = CHANNELS.runners.id;
    const root = world.sims.slack
      .channel(channel)
      .messages()
      .find((m) => m.text.includes('gitlab-runner-02'));
    expect(root?.text).toMatch(/^✅ provision gitlab-runner-02: done/);
    expect(root?.text).toContain(`requested by \`${who}\``);
    const thread = world.sims.slack
      .thread(channel, root!.ts)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toMatch(/gitlab-runner-02/);
    expect(await world.auditText()).toContain(who);
  });

  it('list and status show the runner with its VM and online GitLab runner', async () => {
    const list = await world.runnerbot(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME +PROFILE +VM +IP +GITLAB RUNNER +LAST RUN +DRIFT$/m);
    expect(list.stdout).toMatch(
      /^gitlab-runner-02 +default +\d+ on pve1, running +127\.\S+ +#\d+ online, last contact (just now|\d+ s ago) +provision succeeded (just now|\d+ s ago) +-$/m,
    );
    const [header, row] = list.stdout.split('\n');
    expect(row!.indexOf('default')).toBe(header!.indexOf('PROFILE'));
    const status = await world.runnerbot(['status', 'gitlab-runner-02']);
    expect(status.stdout).toMatch(/last run +provision succeeded .* \(run \S+\)/);
    const json = JSON.parse((await world.runnerbot(['list', '--json'])).stdout) as {
      runners: { name: string; lastRun: { status: string } }[];
    };
    expect(json.runners).toMatchObject([{ name: 'gitlab-runner-02', lastRun: { status: 'succeeded' } }]);
  });

  it('applies nothing when run again: the same single VM and runner; read-only steps say checked', async () => {
    const result = await world.runnerbot(['provision', 'gitlab-runner-02']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/✓ /);
    expect(result.stdout.match(/^· .* already done /gm)?.length).toBe(12);
    expect(result.stdout.match(/^○ .* checked /gm)?.map((l) => l.split(/ +/)[1])).toEqual([
      'find-vm',
      'wait-ip',
      'wait-ssh',
      'verify',
    ]);
    expect(vmsNamed('gitlab-runner-02')).toHaveLength(1);
    expect(runnersNamed('gitlab-runner-02')).toHaveLength(1);
  });

  it('refuses a name with shell metacharacters before anything happens', async () => {
    const before = world.sims.proxmox.requests.length;
    const result = await world.runnerbot(['provision', 'gitlab-runner-$(reboot)']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/runner name .* is not valid/);
    expect(world.sims.proxmox.requests.length).toBe(before);
  });

  it('--dry-run says in sentences what it would create and each step; --json keeps the JSON; nothing changes', async () => {
    const before = world.sims.proxmox.requests.length;
    const result = await world.runnerbot(['provision', 'gitlab-runner-09', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Dry run of provision gitlab-runner-09:$/m);
    expect(result.stdout).toMatch(
      /^ {2}It would create a VM named gitlab-runner-09 on (node|whichever of) .*, with the first free VMID in \d+-\d+: \d+ cores, [\d.]+ (GiB|MiB) of memory and a \d+ GiB disk \(profile default\)\.$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}The runner would be tagged .* in GitLab, run up to \d+ jobs at once, with (un)?privileged Docker/m,
    );
    expect(result.stdout).toMatch(/^ {2}3\. clone: clone the template\.$/m);
    expect(result.stdout).toMatch(/^Nothing was changed\.$/m);
    expect(result.stdout).not.toMatch(/[{}]/);

    const json = await world.runnerbot(['provision', 'gitlab-runner-09', '--dry-run', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      kind: 'provision',
      spec: { name: 'gitlab-runner-09', profile: 'default' },
      plan: expect.arrayContaining(['find-vm', 'clone', 'announce']),
      existing: null,
    });
    expect(world.sims.proxmox.requests.length).toBe(before);
  });

  it('reprovision ends with a new VM and runner id, the old runner gone', async () => {
    const oldVm = vmsNamed('gitlab-runner-02')[0]!.vmid;
    const oldRunner = runnersNamed('gitlab-runner-02')[0]!.id;
    const result = await world.runnerbot(['reprovision', 'gitlab-runner-02', '--reason', 'e2e', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [vm] = vmsNamed('gitlab-runner-02');
    const [runner] = runnersNamed('gitlab-runner-02');
    expect(vmsNamed('gitlab-runner-02')).toHaveLength(1);
    expect(runnersNamed('gitlab-runner-02')).toHaveLength(1);
    expect(runner!.id).not.toBe(oldRunner);
    expect(world.sims.proxmox.state.vms.has(oldVm) ? vm!.vmid : 'old VM deleted').toBe(
      oldVm === vm!.vmid ? oldVm : 'old VM deleted',
    );
    expect(world.sims.gitlab.runners().some((r) => r.id === oldRunner)).toBe(false);
  });

  it('deprovision without --yes and without a terminal refuses before anything changes', async () => {
    const before = world.sims.gitlab.requests().length;
    const result = await world.runnerbot(['deprovision', 'gitlab-runner-02']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /refusing to deprovision gitlab-runner-02 without confirmation: stdin is not a terminal\. Pass --yes/,
    );
    expect(world.sims.gitlab.requests().length).toBe(before);
    expect(vmsNamed('gitlab-runner-02')).toHaveLength(1);
  });

  it('deprovision removes the runner, then the VM; again it succeeds on what is already gone', async () => {
    const result = await world.runnerbot(['deprovision', 'gitlab-runner-02', '--yes']);
    expect(result.code).toBe(0);
    expect(vmsNamed('gitlab-runner-02')).toHaveLength(0);
    expect(runnersNamed('gitlab-runner-02')).toHaveLength(0);
    const again = await world.runnerbot(['deprovision', 'gitlab-runner-02', '--yes']);
    expect(again.code).toBe(0);
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
