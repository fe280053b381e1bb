// The real Bolt app (Socket Mode to the Slack simulator) with the alert buttons registered as
// `extraActions`, on real Redis stores. Listing VMs and GitLab runners is not part of any alert
// flow, so those two ports refuse if called.
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { alertActions } from '../../../src/bot/alerts/action-handlers.ts';
import { createSilenceClient } from '../../../src/alertmanager/silence-client.ts';
import { createBoltApp } from '../../../src/bot/app.ts';
import { createRedisAlertIntake } from '../../../src/jobs/alerts/intake.ts';
import { createDeliveryDedupe } from '../../../src/bot/dedupe.ts';
import { createSlackDirectory } from '../../../src/bot/directory.ts';
import { SlackNotifier } from '../../../src/bot/slack-notifier.ts';
import { createRedisApprovalStore } from '../../../src/jobs/redis-approval-store.ts';
import { createRedisAuditLog } from '../../../src/jobs/redis-audit-log.ts';
import { createRedisFleet } from '../../../src/jobs/redis-fleet.ts';
import { createRedisPoolStore } from '../../../src/jobs/redis-pool-store.ts';
import { createRedisRunStore } from '../../../src/jobs/redis-run-store.ts';
import { createRunQueue } from '../../../src/jobs/run-queue.ts';
import type { SlackSim } from '../../../sim/slack/index.ts';
import type { AlertRunnerbot } from './alert-runnerbot.ts';
import { OPS, policy } from './workspace.ts';

const notHere = (what: string) => () => Promise.reject(new Error(`${what} is not used by the alert buttons`));

export async function startAlertBolt(options: {
  slack: SlackSim;
  runnerbot: AlertRunnerbot;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  /** When a group silenced from a click is first checked in Alertmanager. */
  firstCheckMs?: number;
}) {
  const { slack, runnerbot, redis, prefix } = options;
  const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
  const queue = createRunQueue({ redis: { url: options.redisUrl }, prefix, attempts: 1, backoffMs: 1000 });
  let counter = 0;
  const deps = {
    runs: createRedisRunStore(redis, prefix),
    approvals: createRedisApprovalStore(redis, prefix),
    fleet: createRedisFleet(redis, prefix),
    queue,
    audit: createRedisAuditLog(redis, prefix),
    policy,
    channel: OPS,
    notifier: new SlackNotifier({ outbox: runnerbot.outbox, redis, prefix, logger: runnerbot.logger }),
    directory: createSlackDirectory({ client: web, redis, prefix, groups: policy.operators }),
    clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
    ids: { runId: () => `r_${prefix}_${++counter}` },
    registry: { getRunner: notHere('getRunner') },
    upstream: notHere('upstream'),
    readAudit: notHere('readAudit'),
    doctor: notHere('doctor'),
    pools: createRedisPoolStore(redis, prefix),
    poolSettings: { namePrefix: 'gitlab-runner' },
    dedupe: createDeliveryDedupe(redis, prefix),
    scrub: (text: string) => text,
    logger: runnerbot.logger,
  };
  const bolt = createBoltApp({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    transport: { mode: 'socket', appToken: slack.appToken },
    deps,
    extraActions: alertActions({
      bot: deps,
      store: runnerbot.alertStore,
      silences: createSilenceClient(),
      silenced: runnerbot.silenced,
      intake: createRedisAlertIntake(redis, prefix),
      firstCheckMs: options.firstCheckMs ?? 60_000,
      outbox: runnerbot.outbox,
    }),
  });
  await bolt.start();
  await slack.socket.waitForConnection();
  return {
    deps,
    async stop() {
      await bolt.stop();
      await queue.close();
    },
  };
}
