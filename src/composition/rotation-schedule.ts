// The token rotation schedule as every worker runs it (when `rotation` is configured): every
// `rotation.checkMinutes`, the worker holding the schedule's lease requests the rotations that
// are due. A worker that dies loses the lease within two periods and another takes over.
import { scheduleRotations } from '../app/schedule-rotations.ts';
import type { Config } from '../config.ts';
import type { Notifier } from '../core/ports.ts';
import type { Logger } from '../log.ts';
import { startLeasedChore, type Chore } from './leased-chore.ts';
import { systemClock, systemIds } from '../system.ts';
import { toRequestPolicy } from './request-policy.ts';
import type { Stores } from './stores.ts';

export type RotationSchedule = Chore;

export function startRotationSchedule(
  config: Config,
  stores: Stores,
  notifier: Notifier,
  logger: Logger,
): RotationSchedule | null {
  const rotation = config.rotation;
  if (!rotation) return null;
  const periodMs = rotation.checkMinutes * 60_000;
  const deps = {
    ...stores,
    notifier,
    clock: systemClock,
    ids: systemIds,
    policy: toRequestPolicy(config),
    // The schedule's requests are trusted (the configuration asks for them): nobody's groups are looked up.
    directory: { groupsOf: async () => [] },
    rotation: {
      marginDays: rotation.marginDays,
      ...(rotation.everyDays === undefined ? {} : { everyDays: rotation.everyDays }),
    },
    channel: config.slack.channel,
  };
  return startLeasedChore(
    {
      periodMs,
      lease: (holder, ttlMs) => stores.rotationLease(holder, ttlMs),
      run: async () => {
        for (const due of await scheduleRotations(deps))
          logger.info({ runner: due.runner, reason: due.reason }, 'token rotation scheduled');
      },
      what: 'scheduling token rotations',
    },
    logger,
  );
}
