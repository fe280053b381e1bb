// HTTPS_PROXY, HTTP_PROXY and NO_PROXY as a site behind a forward proxy sets them: runnerbot's
// calls to Proxmox (TLS with the sandbox's own CA, inside the tunnel), GitLab and Slack (Web API
// and the Socket Mode WebSocket) go through the proxy, NO_PROXY hosts do not, SSH never does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunnerbot, type Runnerbot } from '../integration/main/processes.ts';
import { eventually } from '../support/eventually.ts';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.ts';
import { startCliWorld, type CliWorld } from './cli-world.ts';

let world: CliWorld;
let proxy: ConnectProxy;
let bot: Runnerbot | undefined;
beforeAll(async () => {
  [world, proxy] = await Promise.all([startCliWorld(), startConnectProxy()]);
}, 120_000);
afterAll(async () => {
  if (bot?.child.exitCode === null) bot.child.kill('SIGKILL');
  await proxy?.close();
  await world?.close();
}, 60_000);

const viaProxy = () => ({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
const host = (url: string) => new URL(url).host;
const vmsNamed = (name: string) => [...world.sims.proxmox.state.vms.values()].filter((vm) => vm.config.name === name);

describe('an outbound proxy from the environment', () => {
  it('carries every call to Proxmox, GitLab and Slack of a provision that succeeds, and no SSH', async () => {
    const result = await world.runnerbot(['provision', 'gitlab-runner-05'], viaProxy());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(world.sims.gitlab.runners().filter((r) => r.description === 'gitlab-runner-05')).toHaveLength(1);

    const { proxmox, gitlab, slack } = world.sims;
    expect(proxmox.url).toMatch(/^https:/);
    expect(proxy.tunnelsTo(proxmox.url)).toBeGreaterThan(0);
    expect(proxy.tunnelsTo(gitlab.url)).toBeGreaterThan(0);
    expect(proxy.tunnelsTo(slack.url)).toBeGreaterThan(0);
    expect([...proxy.tunnels.keys()].sort()).toEqual([host(proxmox.url), host(gitlab.url), host(slack.url)].sort());
  });

  it('reaches a NO_PROXY host directly and the others through the proxy', async () => {
    const before = new Map(proxy.tunnels);
    const { proxmox, gitlab } = world.sims;
    const result = await world.runnerbot(['provision', 'gitlab-runner-05'], {
      ...viaProxy(),
      NO_PROXY: `example.org, ${host(gitlab.url)}`,
    });
    expect(result.code).toBe(0);
    expect(proxy.tunnelsTo(gitlab.url)).toBe(before.get(host(gitlab.url)));
    expect(proxy.tunnelsTo(proxmox.url)).toBeGreaterThan(before.get(host(proxmox.url)) ?? 0);
  });

  it('fails a run when the proxy refuses, saying so, and creates nothing', async () => {
    proxy.refuse(true);
    try {
      const result = await world.runnerbot(['provision', 'gitlab-runner-06'], viaProxy());
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/find-vm: STEP.TRANSIENT: .*the outbound proxy refused: Proxy response \(403\)/);
      expect(vmsNamed('gitlab-runner-06')).toHaveLength(0);
    } finally {
      proxy.refuse(false);
    }
  });

  it('refuses a proxy variable that is not a URL, naming it', async () => {
    const result = await world.runnerbot(['config', 'check'], { HTTPS_PROXY: 'proxy.example.com 3128' });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/HTTPS_PROXY: expected the proxy as a URL/);
  });

  it('opens the Socket Mode connection through the proxy', async () => {
    const { slack } = world.sims;
    const before = proxy.tunnelsTo(slack.url);
    bot = runRunnerbot(['all'], { ...world.config.env, ...viaProxy() });
    const { port } = JSON.parse(await bot.waitForLine(/"msg":"http server listening"/)) as { port: number };
    await eventually(
      async () => {
        const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
          slack: { status: string };
        };
        return health.slack.status === 'up';
      },
      30_000,
      'Slack up in /healthz',
    );
    expect(slack.socket.connections()).toBeGreaterThan(0);
    // apps.connections.open, the WebSocket, and the probe (auth.test) at least
    expect(proxy.tunnelsTo(slack.url)).toBeGreaterThanOrEqual(before + 2);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});
