// The ports the alert use case depends on: the durable intake queue, the per-group state (which
// Slack message shows a group, what it last showed) and the Slack side that renders it.
import type { AlertmanagerPayload, Labels } from './payload.ts';
import type { AlertGroupSummary } from './summary.ts';

export type AlertStatus = 'firing' | 'resolved';

export interface AlertIntake {
  /** Durably queues one validated notification; rejects at once when it cannot (the caller answers 5xx). */
  enqueue(payload: AlertmanagerPayload): Promise<void>;
}

export interface DigestPolicy {
  /** More new groups than this in one channel within `windowMs` go to one digest message. */
  threshold: number;
  windowMs: number;
}

export interface GroupClaimInput {
  channel: string;
  groupKey: string;
  /** The content fingerprint (`notificationFingerprint`): equal content changes nothing. */
  fingerprint: string;
  /** The intake entry this notification came in (a redelivery of the same entry is not a duplicate). */
  deliveryId: string;
  status: AlertStatus;
  now: number;
  digest: DigestPolicy;
  /** Kept for the Silence button: the labels every alert of the group shows (`silenceLabels`), and where its Alertmanager is. */
  commonLabels: Labels;
  externalURL: string;
  /** Kept to show the group again (its silence set or ended, or its resolve while silenced). */
  payload: AlertmanagerPayload;
}

export type GroupClaim =
  { kind: 'duplicate' } | { kind: 'message' | 'digest'; messageKey: string; previousStatus?: AlertStatus };

export interface AlertGroupRecord {
  channel: string;
  groupKey: string;
  messageKey: string;
  status: AlertStatus;
  commonLabels: Labels;
  externalURL: string;
}

/** One group's line in a digest message. */
export interface DigestLine {
  groupKey: string;
  status: AlertStatus;
  severity?: string;
  title: string;
  firing: number;
  resolved: number;
}

export interface AlertStore {
  /**
   * Atomically records the notification for (channel, group) unless the group already shows the
   * same content from another delivery; says which message shows the group (its own, or the
   * channel's current digest when too many new groups arrive at once).
   */
  claim(input: GroupClaimInput): Promise<GroupClaim>;
  group(channel: string, groupKey: string): Promise<AlertGroupRecord | null>;
  /**
   * Sets the group's line in a digest; returns every line of that digest, in arrival order, or
   * null when the line was already exactly so (a storm repeats itself: nothing to redraw).
   */
  putDigestLine(messageKey: string, line: DigestLine): Promise<DigestLine[] | null>;
  /** The last notification forwarded for the group to this channel (kept so it can be shown again). */
  lastPayload(channel: string, groupKey: string): Promise<AlertmanagerPayload | null>;
}

/** What a group's message says about the silence set from its Silence button. */
export interface SilenceNote {
  /** When the silence ends (ms). */
  until: number;
  /** The Slack user who clicked. */
  by: string;
  /** Set once the silence ended while the group still fired (ms). */
  endedAt?: number;
}

export interface AlertView {
  groupKey: string;
  payload: AlertmanagerPayload;
  summary: AlertGroupSummary;
  /** Runners the alerts are about that runnerbot manages: each gets a "Rebuild" button. */
  managedRunners: string[];
  /** The silence set from Slack, while the group fires. */
  silence?: SilenceNote;
}

/** The Slack side: messages addressed by our own key; posting twice with one key makes one message. */
export interface AlertMessenger {
  showGroup(channel: string, messageKey: string, view: AlertView): Promise<void>;
  replyResolved(channel: string, messageKey: string, view: AlertView, fingerprint: string): Promise<void>;
  showDigest(channel: string, messageKey: string, lines: DigestLine[]): Promise<void>;
  replyDigestResolved(channel: string, messageKey: string, lines: DigestLine[]): Promise<void>;
}

/** Alertmanager's silences (API v2), as the Silence button uses them. */
export interface SilenceRequest {
  matchers: Labels;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

export interface SilenceClient {
  /** Returns the new silence's id; throws with Alertmanager's answer when it refuses. */
  create(alertmanagerUrl: string, silence: SilenceRequest): Promise<string>;
}

/** A silence set from a group's Silence button, as runnerbot watches it. */
export interface GroupSilence extends SilenceNote {
  silenceId: string;
  /** The Alertmanager that holds the silence, and is asked about the group's alerts. */
  alertmanagerUrl: string;
  matchers: Labels;
  /** The channel whose copy of the group's last notification is shown again. */
  channel: string;
}

/**
 * Alertmanager sends nothing about a silenced group, not even its resolve: the groups silenced
 * from Slack are watched until Alertmanager stops listing their alerts or the silence ends.
 */
export interface SilencedGroups {
  /** Records the silence and schedules the group's first check. */
  put(groupKey: string, silence: GroupSilence, checkAt: number): Promise<void>;
  get(groupKey: string): Promise<GroupSilence | null>;
  /** Up to `limit` watched groups whose check is due at `now`. */
  due(now: number, limit: number): Promise<string[]>;
  reschedule(groupKey: string, checkAt: number): Promise<void>;
  /** Stops watching; the record stays, so the message can say that the silence ended. */
  unwatch(groupKey: string): Promise<void>;
  /** Forgets the silence: the group resolved. */
  remove(groupKey: string): Promise<void>;
  /** One checker at a time across workers: taken when free, renewed by its holder. */
  lease(holder: string, ttlMs: number): Promise<boolean>;
}

/** One alert as Alertmanager's `GET /api/v2/alerts` lists it (resolved alerts are never listed). */
export interface ListedAlert {
  labels: Labels;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
}

export interface AlertmanagerAlerts {
  /** The alerts whose labels equal every matcher; throws when Alertmanager does not answer 200. */
  list(alertmanagerUrl: string, matchers: Labels): Promise<ListedAlert[]>;
  /** When that Alertmanager started (ms): it keeps alerts in memory, so a fresh one lists none yet. */
  startedAt(alertmanagerUrl: string): Promise<number>;
}
