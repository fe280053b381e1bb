// A delivery process of its own, for the crash test: started with the harness's settings in the
// environment, killed with SIGKILL mid-call.
import { Redis } from 'ioredis';
import { createOutboxWebClient, startOutboxDelivery } from '../../../src/bot/outbox/index.ts';
import { createLogger } from '../../../src/log.ts';
import { fastClock } from './outbox-harness.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const redis = new Redis(env('OUTBOX_REDIS_URL'));
startOutboxDelivery({
  redis,
  prefix: env('OUTBOX_PREFIX'),
  web: createOutboxWebClient({ token: env('OUTBOX_SLACK_TOKEN'), slackApiUrl: env('OUTBOX_SLACK_API_URL') }),
  logger: createLogger({ level: 'warn' }),
  secrets: [],
  clock: fastClock(Number(env('OUTBOX_CLOCK_SPEED')), Number(env('OUTBOX_CLOCK_START'))),
  leaseMs: Number(env('OUTBOX_LEASE_MS')),
});
