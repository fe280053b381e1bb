// A long-running part of a process (a Redis connection, the HTTP server, the Bolt app, a BullMQ
// worker). Started in list order, stopped in reverse.
import type { Logger } from '../log.ts';

export interface Component {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

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
    try {
      await component.stop();
      logger.info({ component: component.name }, 'stopped');
    } catch (error) {
      logger.error({ err: error, component: component.name }, 'failed to stop');
    }
  }
}
