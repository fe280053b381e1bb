// provision.siteHook from the terminal, on the fake VM farm: the site's own script lands on the VM,
// runs once as the last bootstrap phase (`check`, then `apply`), is left alone by a re-run, and a
// failing hook fails the run naming the hook and quoting its last line.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_HOOK_PATH } from '../../src/app/steps/site-hook-step.ts';
import { startCliWorld, type CliWorld } from './cli-world.ts';

const MOTD_HOOK = `#!/bin/sh
# The site's message of the day, written once.
case "$1" in
  check) [ -f /etc/site-motd ] ;;
  apply)
    [ -f /etc/site-motd ] && exit 0
    echo 'Managed by the platform team' > /etc/site-motd
    echo applied >> /etc/site-hook.log
    echo 'site hook: motd written' ;;
  *) echo "usage: $0 check|apply" >&2; exit 2 ;;
esac
`;

const FAILING_HOOK = `#!/bin/sh
[ "$1" = check ] && exit 1
echo 'checking the site CA' >&2
echo 'site policy: <!channel> /etc/ssl/site-ca.pem is missing' >&2
exit 3
`;

let world: CliWorld;
let configFile: string;
beforeAll(async () => {
  world = await startCliWorld();
  configFile = world.config.env.RUNNERBOT_CONFIG!;
}, 120_000);
afterAll(() => world?.close(), 60_000);

async function useHook(name: string, script: string | null): Promise<string> {
  const path = join(dirname(configFile), name);
  if (script !== null) await writeFile(path, script, { mode: 0o644 });
  const config = parse(readFileSync(configFile, 'utf8')) as { provision: Record<string, unknown> };
  config.provision.siteHook = path;
  await writeFile(configFile, stringify(config));
  return path;
}

const vmOf = (name: string) =>
  [...world.sims.proxmox.state.vms.values()].find((vm) => vm.config.name === name && vm.config.template !== '1')!;

describe('provision.siteHook', () => {
  it('config check names a hook it cannot read', async () => {
    const path = await useHook('absent-hook.sh', null);
    const result = await world.runnerbot(['config', 'check', '--for', 'worker']);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('provision.siteHook');
    expect(result.stdout + result.stderr).toContain(path);
  });

  it('lands on the VM and runs once per provision, as the last bootstrap phase', async () => {
    await useHook('motd-hook.sh', MOTD_HOOK);
    const result = await world.runnerbot(['provision', 'gitlab-runner-03']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ bootstrap-monitoring[^\n]*\n[^\n]*✓ bootstrap-site +applied/);
    const { vmid } = vmOf('gitlab-runner-03');
    expect(await world.sims.farm!.readFile(vmid, SITE_HOOK_PATH)).toBe(MOTD_HOOK);
    expect(await world.sims.farm!.readFile(vmid, '/etc/site-motd')).toBe('Managed by the platform team\n');
    expect(await world.sims.farm!.readFile(vmid, '/etc/site-hook.log')).toBe('applied\n');

    const again = await world.runnerbot(['provision', 'gitlab-runner-03']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/· bootstrap-site/);
    expect(await world.sims.farm!.readFile(vmid, '/etc/site-hook.log')).toBe('applied\n');
  });

  it('a failing hook fails the run at once, naming the hook and quoting its last line', async () => {
    await useHook('ca-hook.sh', FAILING_HOOK);
    const result = await world.runnerbot(['provision', 'gitlab-runner-04']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(
      'failed at bootstrap-site: REMOTE.PHASE_FAILED: the site hook ca-hook.sh failed (exit 3): site policy: <!channel> /etc/ssl/site-ca.pem is missing',
    );
    expect(result.stdout.match(/✗ bootstrap-site/g)).toHaveLength(1);
    expect(world.sims.gitlab.runners().filter((r) => r.description === 'gitlab-runner-04')).toHaveLength(0);

    const { CHANNELS } = await import('../../sandbox/people.ts');
    const root = world.sims.slack
      .channel(CHANNELS.runners.id)
      .messages()
      .find((m) => m.text.includes('gitlab-runner-04'));
    const thread = world.sims.slack.thread(CHANNELS.runners.id, root!.ts);
    const said = JSON.stringify(thread.map((m) => m.blocks ?? m.text));
    expect(said).toContain('the site hook ca-hook.sh failed (exit 3): site policy: &lt;!channel&gt;');
    expect(said).not.toContain('<!channel>');
  });
});
