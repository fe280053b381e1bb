// The Slack bot in-process, wired to real adapters: Redis stores and the BullMQ queue under a
// fresh prefix, the Proxmox and GitLab simulators behind the real provisioner adapters, and the
// Slack simulator delivering signed requests (HTTP) or envelopes (Socket Mode). No worker runs:
// the queue's job count is what "a job started" means here.
import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { sharedUpstream } from '../../../src/app/fleet-view.ts';
import type { RequestPolicy } from '../../../src/app/request-policy.ts';
import { createBoltApp, type BoltApp } from '../../../src/bot/app.ts';
import { createDeliveryDedupe } from '../../../src/bot/dedupe.ts';
import { createSlackDirectory } from '../../../src/bot/directory.ts';
import { createHttpServer } from '../../../src/http/server.ts';
import type { Clock, FleetEntry, Ids, Notifier } from '../../../src/core/ports.ts';
import { createRedisApprovalStore } from '../../../src/jobs/redis-approval-store.ts';
import { createRedisAuditLog, readAudit } from '../../../src/jobs/redis-audit-log.ts';
import { createRedisFleet } from '../../../src/jobs/redis-fleet.ts';
import { createRedisUpstreamViewStore } from '../../../src/jobs/redis-fleet-view.ts';
import { createRedisPoolStore } from '../../../src/jobs/redis-pool-store.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue } from '../../../src/jobs/run-queue.ts';
import { createGitlabRegistry } from '../../../src/provisioner/gitlab.ts';
import { createProxmoxHypervisor } from '../../../src/provisioner/proxmox.ts';
import { startGitlabSim, type GitlabSim } from '../../../sim/gitlab/index.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { startSlackSim, type SlackSim, type SlackSimOptions } from '../../../sim/slack/index.ts';
import { CardNotifier } from './card-notifier.ts';

export const ALICE = 'U0ALICE001'; // operator (through the operators group)
export const BOB = 'U0BOB00001'; // approver (through the approvers group)
export const CAROL = 'U0CAROL001'; // approver (by user id)
export const DAVE = 'U0DAVE0001'; // neither
export const OPS = 'C0OPS00001';
export const OPERATORS = 'S0OPERATE1';
export const APPROVERS = 'S0APPROVE1';

export const workspace: SlackSimOptions = {
  users: [
    { id: ALICE, name: 'alice', real_name: 'Alice Operator' },
    { id: BOB, name: 'bob', real_name: 'Bob Approver' },
    { id: CAROL, name: 'carol', real_name: 'Carol Approver' },
    { id: DAVE, name: 'dave', real_name: 'Dave Visitor' },
  ],
  usergroups: [
    { id: OPERATORS, handle: 'runner-ops', name: 'Runner operators', users: [ALICE, BOB] },
    { id: APPROVERS, handle: 'runner-approvers', name: 'Runner approvers', users: [BOB] },
  ],
  channels: [{ id: OPS, name: 'ops' }],
};

export const policy: RequestPolicy = {
  profiles: {
    default: {
      cores: 2,
      memoryMiB: 2048,
      diskGiB: 20,
      tags: ['docker'],
      concurrency: 2,
      privileged: false,
      defaultImage: 'alpine:3.20',
      allowedImages: ['alpine:*'],
      allowedServices: [],
      allowedPullPolicies: ['if-not-present'],
      volumes: ['/cache'],
    },
  },
  defaultProfile: 'default',
  namePattern: '^gitlab-runner-[a-z0-9-]+$',
  nodes: ['pve1'],
  operators: [OPERATORS, CAROL],
  approvers: [APPROVERS, CAROL],
  approvalTtlMinutes: 30,
  provisionNeedsApproval: false,
};

export const EXISTING: FleetEntry = {
  name: 'gitlab-runner-02',
  vmid: 120,
  node: 'pve1',
  ip: '10.0.0.12',
  profile: 'default',
  runnerId: 0,
  tags: ['docker'],
  provisionedAt: 1,
};

/** A clock a test can move forward (to expire approvals). */
export class MovableClock implements Clock {
  offsetMs = 0;
  now = () => Date.now() + this.offsetMs;
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
}

export interface BotHarness {
  sim: SlackSim;
  redis: Redis;
  prefix: string;
  clock: MovableClock;
  bolt: BoltApp;
  proxmox: ProxmoxSim;
  gitlab: GitlabSim;
  stores: {
    runs: ReturnType<typeof createRedisRunStore>;
    approvals: ReturnType<typeof createRedisApprovalStore>;
    fleet: ReturnType<typeof createRedisFleet>;
  };
  /** Ids of every job in the run queue. */
  jobIds(): Promise<string[]>;
  notifier: CardNotifier;
  /** HTTP transport: the app's /slack/events URL. */
  requestUrl?: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  transport: 'http' | 'socket';
  retries?: SlackSimOptions['retries'];
  ackTimeoutMs?: number;
}

export async function startBotHarness(options: HarnessOptions): Promise<BotHarness> {
  const prefix = `rbt-${randomBytes(6).toString('hex')}`;
  const redis = new Redis(process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const sim = await startSlackSim({
    ...workspace,
    transport: options.transport,
    rateLimits: false,
    ...(options.retries ? { retries: options.retries } : {}),
    ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
  });
  const proxmox = await startProxmoxSim({
    vms: [
      {
        vmid: 120,
        node: 'pve1',
        name: 'gitlab-runner-02',
        tags: ['gitlab-runner', 'runnerbot'],
        pool: 'runners',
        running: true,
      },
    ],
  });
  const gitlab = await startGitlabSim();
  const registry = createGitlabRegistry({ url: gitlab.url, token: gitlab.token, runnerType: 'instance_type' });
  const created = await registry.createRunner({
    description: 'gitlab-runner-02',
    tagList: ['docker'],
    runUntagged: false,
    locked: true,
  });
  const hypervisor = createProxmoxHypervisor({
    url: proxmox.url,
    tokenId: proxmox.token.id,
    tokenSecret: proxmox.token.secret,
    ca: proxmox.caPem,
  });

  const runs = createRedisRunStore(redis, prefix);
  const approvals = createRedisApprovalStore(redis, prefix);
  const fleet = createRedisFleet(redis, prefix);
  await fleet.upsert({ ...EXISTING, runnerId: created.id });
  const queue = createRunQueue({
    redis: { url: process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    prefix,
    attempts: 1,
    backoffMs: 1000,
  });
  const web = new WebClient(sim.botToken, { slackApiUrl: sim.apiUrl });
  const notifier = new CardNotifier(web, OPS);
  const clock = new MovableClock();
  let counter = 0;
  const ids: Ids = { runId: () => `r_${prefix}_${++counter}` };
  const logger = pino({ level: process.env.RUNNERBOT_TEST_LOG ?? 'silent' });
  const secrets = [sim.botToken, sim.appToken, sim.signingSecret, proxmox.token.secret, gitlab.token];

  const bolt = createBoltApp({
    botToken: sim.botToken,
    apiUrl: sim.apiUrl,
    transport:
      options.transport === 'socket'
        ? { mode: 'socket', appToken: sim.appToken }
        : { mode: 'http', signingSecret: sim.signingSecret, redis, prefix },
    deps: {
      runs,
      approvals,
      fleet,
      queue,
      clock,
      ids,
      policy,
      notifier: notifier as Notifier,
      audit: createRedisAuditLog(redis, prefix),
      directory: createSlackDirectory({
        client: web,
        redis,
        prefix,
        groups: [...policy.operators, ...policy.approvers],
      }),
      registry,
      upstream: sharedUpstream({
        fleet,
        runs,
        hypervisor,
        registry,
        clock,
        store: createRedisUpstreamViewStore(redis, prefix),
      }),
      doctor: async () => [
        { ok: false, name: 'listener harness', detail: 'no services here', fix: 'run the e2e test' },
      ],
      readAudit: async ({ runner, limit }) =>
        (await readAudit(redis, prefix, runner ? { runner } : {})).reverse().slice(0, limit),
      channel: OPS,
      pools: createRedisPoolStore(redis, prefix),
      poolSettings: { namePrefix: 'gitlab-runner' },
      dedupe: createDeliveryDedupe(redis, prefix),
      scrub: (text) => secrets.reduce((t, s) => t.split(s).join('[secret]'), text),
      logger,
    },
  });
  const http = createHttpServer({ host: '127.0.0.1', port: 0, routes: bolt.routes, logger });
  await http.start();
  await bolt.start();
  const requestUrl =
    options.transport === 'http'
      ? `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/slack/events`
      : undefined;
  if (requestUrl) sim.setRequestUrl(requestUrl);
  else await sim.socket.waitForConnection();

  return {
    sim,
    redis,
    prefix,
    clock,
    bolt,
    proxmox,
    gitlab,
    notifier,
    ...(requestUrl ? { requestUrl } : {}),
    stores: { runs, approvals, fleet },
    jobIds: async () =>
      (await queue.queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']))
        .map((j) => j.id!)
        .sort(),
    async close() {
      await bolt.stop();
      await http.stop();
      await queue.close();
      await Promise.all([sim.close(), proxmox.close(), gitlab.close()]);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** Waits until `probe` returns something truthy; the limit only bounds a hang. */
export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${probe.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
