// The buttons on alert messages and how their clicks are recognized.

export const SILENCE_DURATIONS = { '1h': 3_600_000, '4h': 4 * 3_600_000, '24h': 24 * 3_600_000 } as const;
export type SilenceDuration = keyof typeof SILENCE_DURATIONS;

export const ALERT_ACTION_IDS = {
  /** `alert_silence_1h`, `alert_silence_4h`, `alert_silence_24h`; value: the group key. */
  silence: (duration: SilenceDuration) => `alert_silence_${duration}`,
  /** Value: the runner's name. */
  rebuild: (runner: string) => `alert_rebuild_${runner}`,
} as const;

/** For Bolt's `app.action(...)`. */
export const SILENCE_ACTION = /^alert_silence_(1h|4h|24h)$/;
export const REBUILD_ACTION = /^alert_rebuild_/;

export function silenceDurationOf(actionId: string): SilenceDuration | undefined {
  return SILENCE_ACTION.exec(actionId)?.[1] as SilenceDuration | undefined;
}
