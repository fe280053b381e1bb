// The pool reconciler as every worker runs it: every `pools.reconcileSeconds`, the worker that
// holds the lease reconciles each sized pool once. A worker that dies loses the lease within two
// periods and another takes over; a reconciliation cut short is simply done again.
import { randomUUID } from 'node:crypto';
import { reconcilePools, type ReconcilePoolsDeps } from '../app/reconcile-pools.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { systemClock, systemIds } from '../system.ts';
import { toRequestPolicy } from './request-policy.ts';
import type { Stores } from './stores.ts';

export interface PoolReconciler {
  stop(): void;
}

export function startPoolReconciler(
  config: Config,
  stores: Stores,
  ports: Pick<ReconcilePoolsDeps, 'hypervisor' | 'registry' | 'notifier'>,
  logger: Logger,
): PoolReconciler {
  const holder = randomUUID();
  const periodMs = config.pools.reconcileSeconds * 1000;
  const deps: ReconcilePoolsDeps = {
    ...stores,
    ...ports,
    clock: systemClock,
    ids: systemIds,
    policy: toRequestPolicy(config),
    // The reconciler's requests are trusted (they follow an operator's `scale`): nobody's groups are looked up.
    directory: { groupsOf: async () => [] },
    poolSettings: {
      namePrefix: config.pools.namePrefix,
      retryBaseMs: config.pools.retryBaseSeconds * 1000,
      retryMaxMs: config.pools.retryMaxSeconds * 1000,
    },
    channel: config.slack.channel,
  };
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (!(await stores.pools.lease(holder, periodMs * 2))) return;
      for (const pool of await reconcilePools(deps))
        logger.info({ pool: pool.profile, note: pool.note }, 'pool reconciled');
    } catch (err) {
      logger.warn({ err }, 'pool reconciliation failed; it runs again at the next period');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), periodMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
