// A long-running part of a process (a Redis connection, the HTTP server, the Bolt app, a BullMQ
// worker). Started in list order, stopped in reverse.
import type { Logger } from '../log.ts';

export interface Component {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** How long stop() may take before it is abandoned (default 5 s), so one stuck part cannot hold the rest. */
  stopTimeoutMs?: number;
}

const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** Starts each in order; if one fails, stops those already started and rethrows. */
export async function startAll(components: readonly Component[], logger: Logger): Promise<void> {
  const started: Component[] = [];
  for (const component of components) {
    try {
      await component.start();
      started.push(component);
    } catch (error) {
      await stopAll(started, logger);
      throw error;
    }
  }
}

/** Stops in reverse order; a component that fails to stop is logged and the rest still stop. */
export async function stopAll(components: readonly Component[], logger: Logger): Promise<void> {
  for (const component of [...components].reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const limit = component.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limit)));
    try {
      const outcome = await Promise.race([component.stop().then(() => 'stopped' as const), timedOut]);
      if (outcome === 'timeout')
        logger.warn({ component: component.name, limitMs: limit }, 'did not stop in time; abandoned');
      else logger.info({ component: component.name }, 'stopped');
    } catch (error) {
      logger.error({ err: error, component: component.name }, 'failed to stop');
    } finally {
      clearTimeout(timer);
    }
  }
}
