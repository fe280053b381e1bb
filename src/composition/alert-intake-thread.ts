// The body of the alert intake's own thread: POST /alerts on its own listener, event loop and
// Redis connection, so a storm of notifications does not queue the bot's Slack acks behind it.
// Counts of received alerts go to the parent's metrics once a second; a 'stop' message closes
// the listener (in-flight requests finish) and the connection, then the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { alertIntakeRoute } from '../alertmanager/intake-route.ts';
import { createHttpServer } from '../http/server.ts';
import { createRedisAlertIntake } from '../jobs/alerts/intake.ts';
import { createProducerRedis, disconnectProducer } from '../jobs/redis-connection.ts';
import { createLogger } from '../log.ts';
import type { IntakeThreadData, IntakeThreadMessage } from './alert-intake-listener.ts';

const COUNTS_EVERY_MS = 1000;

const data = workerData as IntakeThreadData;
const port = parentPort!;
const send = (message: IntakeThreadMessage) => port.postMessage(message);
const logger = createLogger({ level: data.log.level, secrets: data.log.secrets }).child({ component: 'alerts' });
const redis = createProducerRedis(data.redis);
redis.on('error', () => undefined);

let received = { firing: 0, resolved: 0 };
const reportCounts = () => {
  if (received.firing + received.resolved === 0) return;
  send({ type: 'received', ...received });
  received = { firing: 0, resolved: 0 };
};
const counting = setInterval(reportCounts, COUNTS_EVERY_MS);

const route = alertIntakeRoute({
  intake: createRedisAlertIntake(redis, data.prefix, data.ack),
  credentials: data.credentials,
  maxBodyBytes: data.maxBodyBytes,
  metrics: { alertsReceived: { inc: ({ status }) => void received[status]++ } },
  logger,
});
const http = createHttpServer({ host: data.host, port: data.port, routes: [route], logger });

port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  void http
    .stop()
    .then(async () => {
      clearInterval(counting);
      reportCounts();
      await disconnectProducer(redis);
      port.close();
    })
    .catch((error: unknown) => send({ type: 'failed', message: (error as Error).message }));
});

http.start().then(
  () => send({ type: 'listening', port: http.port() }),
  async (error: unknown) => {
    send({ type: 'failed', message: (error as Error).message });
    clearInterval(counting);
    await disconnectProducer(redis);
    port.close();
  },
);
