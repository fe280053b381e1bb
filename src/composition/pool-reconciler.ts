// The pool reconciler as every worker runs it: every `pools.reconcileSeconds`, the worker that
// holds the lease reconciles each sized pool once. A worker that dies loses the lease within two
// periods and another takes over; a reconciliation cut short is simply done again.
import { reconcilePools, type ReconcilePoolsDeps } from '../app/reconcile-pools.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { startLeasedChore, type Chore } from './leased-chore.ts';
import { systemClock, systemIds } from '../system.ts';
import { toRequestPolicy } from './request-policy.ts';
import type { Stores } from './stores.ts';

export type PoolReconciler = Chore;

export function startPoolReconciler(
  config: Config,
  stores: Stores,
  ports: Pick<ReconcilePoolsDeps, 'hypervisor' | 'registry' | 'notifier'>,
  logger: Logger,
): PoolReconciler {
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
  return startLeasedChore(
    {
      periodMs,
      lease: (holder, ttlMs) => stores.pools.lease(holder, ttlMs),
      run: async () => {
        for (const pool of await reconcilePools(deps))
          logger.info({ pool: pool.profile, note: pool.note }, 'pool reconciled');
      },
      what: 'pool reconciliation',
    },
    logger,
  );
}
