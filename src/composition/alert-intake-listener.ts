// POST /alerts on a listener of its own (`alerts.port`), served by a thread of its own: HTTP
// parsing, auth, validation and the batched Redis write of a storm of notifications run on that
// thread's event loop, not on the one that acks Slack commands. The thread counts what it accepts
// into this process' metrics; if it dies, the process fails loudly (an orchestrator restarts it)
// rather than leaving Alertmanager with a port that refuses.
import type { Worker } from 'node:worker_threads';
import type { AlertCredentials } from '../alertmanager/auth.ts';
import type { LoadedConfig } from '../config.ts';
import { knownSecretValues } from '../config.ts';
import { replicaAckOf, type ReplicaAck } from '../jobs/replica-ack.ts';
import type { Logger, LogLevel } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { redisEndpoint, type RedisEndpoint } from '../redis-endpoint.ts';
import type { Component } from './component.ts';
import { sibling, startThread } from './thread.ts';

export interface IntakeThreadData {
  host: string;
  /** 0 picks a free port. */
  port: number;
  redis: RedisEndpoint;
  prefix: string;
  ack: ReplicaAck;
  credentials: AlertCredentials;
  maxBodyBytes: number;
  log: { level: LogLevel; secrets: string[] };
}

export type IntakeThreadMessage =
  | { type: 'listening'; port: number }
  | { type: 'received'; firing: number; resolved: number }
  | { type: 'failed'; message: string };

const STOP_WAIT_MS = 4000;

export interface IntakeListener extends Component {
  /** The port bound (after start). */
  port(): number;
}

export function startIntakeListener(
  data: IntakeThreadData,
  deps: { metrics: Pick<Metrics, 'alertsReceived'>; logger: Logger },
): IntakeListener {
  let worker: Worker | undefined;
  let bound = data.port;
  let stopping = false;
  let listening = false;
  let exited = false;

  const onMessage = (message: IntakeThreadMessage) => {
    if (message.type !== 'received') return;
    if (message.firing) deps.metrics.alertsReceived.inc({ status: 'firing' }, message.firing);
    if (message.resolved) deps.metrics.alertsReceived.inc({ status: 'resolved' }, message.resolved);
  };

  return {
    name: 'alert-intake',
    port: () => bound,
    start: () =>
      new Promise<void>((resolve, reject) => {
        const thread = startThread(sibling('alert-intake-thread', import.meta.url), data);
        worker = thread;
        thread.on('message', onMessage);
        const onStart = (message: IntakeThreadMessage) => {
          if (message.type === 'listening') {
            bound = message.port;
            listening = true;
            thread.off('message', onStart);
            resolve();
          } else if (message.type === 'failed') reject(new Error(`alert intake: ${message.message}`));
        };
        thread.on('message', onStart);
        thread.once('error', reject);
        thread.once('exit', (code) => {
          exited = true;
          const error = new Error(`the alert intake thread ended (exit code ${code})`);
          reject(error);
          if (stopping || !listening) return;
          deps.logger.fatal({ err: error }, 'alert intake thread ended');
          // Raised outside any promise, so the process' uncaughtException handler ends it.
          setImmediate(() => {
            throw error;
          });
        });
      }),
    async stop() {
      if (!worker || exited) return;
      stopping = true;
      const thread = worker;
      const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage('stop');
      const timer = setTimeout(() => void thread.terminate(), STOP_WAIT_MS);
      await ended;
      clearTimeout(timer);
    },
  };
}

/** `alerts.port` set: the intake as `runnerbot bot` runs it, from the loaded configuration. */
export function alertIntakeListener(
  loaded: LoadedConfig,
  port: number,
  deps: { metrics: Pick<Metrics, 'alertsReceived'>; logger: Logger },
): IntakeListener {
  const { config, secrets } = loaded;
  return startIntakeListener(
    {
      host: config.http.host,
      port,
      redis: redisEndpoint(config.redis, secrets),
      prefix: config.redis.prefix,
      ack: replicaAckOf(config.redis),
      credentials: {
        ...(secrets.alertsToken ? { token: secrets.alertsToken } : {}),
        ...(secrets.alertsBasicAuth ? { basicAuth: secrets.alertsBasicAuth } : {}),
      },
      maxBodyBytes: config.alerts.maxBodyBytes,
      log: { level: config.log.level, secrets: knownSecretValues(loaded) },
    },
    deps,
  );
}
