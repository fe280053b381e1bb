// Everything `npm run sandbox` runs, in start order: the simulators (and fake VMs where sshd can
// run), Redis, Alertmanager where installed, the real runnerbot configured against them, and the
// page. `stop()` takes it all down in reverse order and removes the temp dir.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager } from '../test/integration/monitoring/alertmanager-harness.ts';
import { alertmanagerSender, webhookSender } from './alerts.ts';
import { freePort } from './free-port.ts';
import { detectCapabilities } from './prerequisites.ts';
import { deleteKeys, provideRedis } from './redis.ts';
import { writeRunnerbotConfig } from './runnerbot-config.ts';
import { startRunnerbot } from './runnerbot-process.ts';
import { startPageServer } from './server.ts';
import { startSimulators, type Simulators } from './simulators.ts';

export interface Sandbox {
  url: string;
  /** The temp dir with runnerbot.yaml, the secret files and runnerbot.log. */
  dir: string;
  logFile: string;
  /** Plain-words notes on what this machine could not run. */
  skipped: string[];
  /** Where Redis came from. */
  redis: string;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** The page's port; 0 picks a free one. */
  port?: number;
  redisUrl?: string;
  /** Progress lines while starting. */
  say?: (line: string) => void;
}

async function simulatorsWithFallback(wantFarm: boolean, skipped: string[]): Promise<Simulators> {
  if (!wantFarm) return startSimulators({ vmFarm: false });
  try {
    return await startSimulators({ vmFarm: true });
  } catch (error) {
    skipped.push(
      `the fake runner VMs could not start (${(error as Error).message.split('\n')[0]}); provisions stop at "wait for the guest's IP"`,
    );
    return startSimulators({ vmFarm: false });
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const say = options.say ?? (() => undefined);
  const caps = detectCapabilities();
  const skipped = [caps.vmFarm, caps.alertmanager].flatMap((c) => (c.ok ? [] : [c.note!]));
  const dir = await mkdtemp(join(tmpdir(), 'runnerbot-sandbox-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((e: unknown) => console.error(`sandbox: ${String(e)}`));
  };
  try {
    say('starting the Proxmox VE, GitLab and Slack simulators');
    const sims = await simulatorsWithFallback(caps.vmFarm.ok, skipped);
    cleanups.push(() => sims.stop());
    const redis = await provideRedis(options.redisUrl, caps.redisServer.ok, dir);
    const prefix = `sandbox-${randomBytes(4).toString('hex')}`;
    cleanups.push(() => redis.stop());
    if (redis.origin === 'REDIS_URL') cleanups.push(() => deleteKeys(redis.url, prefix));

    const httpPort = await freePort();
    const alertsToken = randomBytes(18).toString('base64url');
    const alertmanager = caps.alertmanager.ok
      ? await startAlertmanager({ runnerbot: `127.0.0.1:${httpPort}`, token: alertsToken })
      : undefined;
    if (alertmanager) cleanups.push(() => alertmanager.stop());

    const config = await writeRunnerbotConfig({
      dir,
      sims,
      redis: { url: redis.url, prefix },
      httpPort,
      alertsToken,
      ...(alertmanager ? { alertmanagerUrl: alertmanager.url } : {}),
    });
    say('starting runnerbot all');
    const logFile = join(dir, 'runnerbot.log');
    const runnerbot = await startRunnerbot({ env: config.env, port: httpPort, logFile });
    cleanups.push(() => runnerbot.stop());
    if (!runnerbot.ready) skipped.push(`runnerbot did not answer /healthz within a minute; see ${logFile}`);

    const alerts = alertmanager
      ? alertmanagerSender(alertmanager.url)
      : webhookSender(runnerbot.url, alertsToken, 'http://alertmanager.sandbox');
    const page = await startPageServer(
      {
        sims,
        runnerbotUrl: runnerbot.url,
        ...(alertmanager ? { alertmanagerUrl: alertmanager.url } : {}),
        alerts,
        skipped,
      },
      options.port ?? 0,
    );
    cleanups.push(() => page.close());
    return { url: page.url, dir, logFile, skipped, redis: redis.origin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
