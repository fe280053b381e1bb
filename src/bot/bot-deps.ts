// What the Slack listeners need: the request use case's ports plus read access for list,
// status and audit, the delivery dedupe, and the scrubber for every text that leaves.
import type { Logger } from 'pino';
import type { RequestJobDeps } from '../app/request-job.ts';
import type { DoctorCheck } from '../core/doctor.ts';
import type { UpstreamView } from '../core/fleet-view.ts';
import type { PoolStore } from '../core/pool-ports.ts';
import type { RunnerRegistry } from '../core/ports.ts';
import type { AuditRow } from './answers/audit.ts';
import type { DeliveryDedupe } from './dedupe.ts';

export interface BotDeps extends RequestJobDeps {
  /** Proxmox and GitLab's view of the fleet for list, status and App Home, shared and rate-bounded. */
  upstream(): Promise<UpstreamView>;
  pools: PoolStore;
  poolSettings: { namePrefix: string };
  /** GitLab's running jobs per runner: `scale` retires the least busy first. */
  runnerJobs?: Pick<RunnerRegistry, 'runningJobs'>;
  /** The newest audit entries (optionally of one runner), newest first. */
  readAudit(query: { runner?: string; limit: number }): Promise<AuditRow[]>;
  /** `runnerbot doctor`'s checks, run in this process (`/runner doctor`). */
  doctor(): Promise<DoctorCheck[]>;
  /** `slack.channel`: where root messages, approval cards and threads go. */
  channel: string;
  dedupe: DeliveryDedupe;
  /** Removes every configured secret from a text before it leaves for Slack. */
  scrub(text: string): string;
  logger: Logger;
  /** Seconds from a delivery's arrival at the listener to its ack (runnerbot_command_ack_seconds). */
  observeAck?(seconds: number): void;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
