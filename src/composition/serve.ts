// `runnerbot bot | worker | all`: start the components, run until SIGTERM/SIGINT, stop in reverse.
import { knownSecretValues, type Env, type Role } from '../config.ts';
import { createLogger, type Logger } from '../log.ts';
import { createMetrics } from '../metrics.ts';
import { startAll, stopAll, type Component } from './component.ts';
import { CliError, loadOrRefuse, refuseUnopenableFiles, scrubFor } from './load.ts';
import { buildComponents } from './service.ts';

/** Past this, a stop that hangs is abandoned and the process exits non-zero (a worker's drain may extend it). */
const STOP_DEADLINE_MS = 10_000;

/** Each component's stop is bounded on its own; this only catches a process that hangs outright. */
const deadlineFor = (components: Component[]) =>
  Math.max(STOP_DEADLINE_MS, ...components.map((c) => (c.stopTimeoutMs ?? 0) + STOP_DEADLINE_MS));

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

async function shutDown(components: Component[], logger: Logger, signal: NodeJS.Signals): Promise<number> {
  logger.info({ signal }, 'stopping');
  const deadlineMs = deadlineFor(components);
  const hardStop = setTimeout(() => {
    logger.error({ deadlineMs }, 'components did not stop in time; exiting');
    process.exit(1);
  }, deadlineMs);
  const again = () => {
    logger.warn('second signal while stopping; exiting now');
    process.exit(1);
  };
  process.once('SIGTERM', again).once('SIGINT', again);
  await stopAll(components, logger);
  clearTimeout(hardStop);
  logger.info('stopped cleanly');
  return 0;
}

export function serveCommand(role: Role) {
  return async (argv: string[], env: Env): Promise<number> => {
    if (argv.length > 0) throw new CliError(`runnerbot ${role} takes no arguments (got ${argv.join(' ')})`, 2);
    const loaded = loadOrRefuse(env, { role });
    refuseUnopenableFiles(loaded, role);
    const logger = createLogger({ level: loaded.config.log.level, secrets: knownSecretValues(loaded) }).child({ role });
    process.on('uncaughtException', (error) => {
      logger.fatal({ err: error }, 'uncaught exception');
      process.exit(1);
    });
    process.on('unhandledRejection', (reason) => {
      // BullMQ's DelayedError is a signal, not a failure: the job was already put back in the
      // queue. While a worker closes, BullMQ can leave one of them unobserved.
      if (reason instanceof Error && reason.name === 'DelayedError')
        return logger.debug({ err: reason }, 'job handed back while stopping');
      logger.fatal({ err: reason }, 'unhandled rejection');
      process.exit(1);
    });
    const signal = untilSignal();
    const components = buildComponents({ role, loaded, logger, metrics: createMetrics() });
    try {
      // A signal while a part is still starting stops the process too, at once.
      const early = await Promise.race([startAll(components, logger).then(() => undefined), signal]);
      if (early) return await shutDown(components, logger, early);
    } catch (error) {
      logger.fatal({ err: error }, 'cannot start');
      throw new CliError(scrubFor(loaded)((error as Error).message));
    }
    logger.info({ components: components.map((c) => c.name), config: loaded.file }, 'runnerbot started');
    return shutDown(components, logger, await signal);
  };
}
