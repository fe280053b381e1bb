// A delivery process killed after Slack posted its message but before the answer reached it, and
// another process started: every message arrives exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { OPS } from '../../../sim/slack/test-support.ts';
import { outboxDrained, startHarness, waitFor, type Harness } from './outbox-harness.ts';

const SPEED = 20;
const CLOCK_START = Date.now();
let h: Harness;
let child: ChildProcess | undefined;
let proxy: Server;

/** Forwards to the simulator; holds back the answer to the `holdAt`-th chat.postMessage for good. */
async function startProxy(target: string, holdAt: number): Promise<{ url: string; held: () => boolean }> {
  let posts = 0;
  let held = false;
  proxy = createServer((req, res) => {
    const hold = req.url?.endsWith('/chat.postMessage') && ++posts === holdAt;
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (answer) => {
        if (hold) {
          held = true;
          return void answer.resume();
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/`, held: () => held };
}

beforeEach(async () => {
  h = await startHarness({ speed: SPEED });
});
afterEach(async () => {
  child?.kill('SIGKILL');
  proxy.closeAllConnections();
  proxy.close();
  await h.close();
});

function startChild(apiUrl: string): ChildProcess {
  const script = fileURLToPath(new URL('./outbox-child.ts', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: 'inherit',
    env: {
      ...process.env,
      OUTBOX_REDIS_URL: 'redis://127.0.0.1:6379',
      OUTBOX_PREFIX: h.prefix,
      OUTBOX_SLACK_TOKEN: h.sim.botToken,
      OUTBOX_SLACK_API_URL: apiUrl,
      OUTBOX_CLOCK_SPEED: String(SPEED),
      OUTBOX_CLOCK_START: String(CLOCK_START),
      OUTBOX_LEASE_MS: '1500',
    },
  });
}

it('loses and doubles nothing when a delivery process dies mid-call and another takes over', async () => {
  for (let i = 0; i < 4; i++) {
    await h.outbox.post({ key: `r${i}:root`, channel: OPS, text: `root ${i}` });
    await h.outbox.post({ key: `r${i}:reply`, channel: OPS, threadKey: `r${i}:root`, text: `reply ${i}` });
    await h.outbox.update({ key: `r${i}:root`, text: `root ${i} final` });
  }
  const { url, held } = await startProxy(h.sim.url, 4);
  child = startChild(url);
  await waitFor(held, 'Slack to post the fourth message while its answer is held back');
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  child = undefined;
  const landed = h.sim.received.filter((e) => e.name === 'chat.postMessage' && !e.error);
  expect(landed).toHaveLength(4);

  h.startDelivery({ leaseMs: 1500 });
  await waitFor(() => outboxDrained(h), 'the outbox to drain');

  const roots = h.sim.channel(OPS).messages();
  expect(roots.map((m) => m.text)).toEqual([0, 1, 2, 3].map((i) => `root ${i} final`));
  for (const [i, root] of roots.entries())
    expect(h.sim.thread(OPS, root.ts).map((m) => m.text)).toEqual([`root ${i} final`, `reply ${i}`]);
  expect(h.sim.received.filter((e) => e.name === 'chat.postMessage' && !e.error)).toHaveLength(8);
});
