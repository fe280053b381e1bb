// What Proxmox and GitLab said about the managed fleet at one moment. `status`, `list` and App
// Home read it instead of asking them afresh; every reader, in every bot replica, shares one view
// until it is due again, so any rate of reads costs Proxmox and GitLab a bounded rate of requests.
import type { GitlabRunner, VmSummary } from './ports.ts';

export interface UpstreamView {
  /** When Proxmox and GitLab were asked (ms since the epoch). */
  takenAt: number;
  /** The managed VMs; absent when Proxmox did not answer. */
  vms?: VmSummary[];
  /** The GitLab runner of each runner name known then (null: none); absent when GitLab did not answer. */
  gitlab?: Record<string, GitlabRunner | null>;
  problems: string[];
  /** Proxmox and GitLab calls it took. */
  calls: number;
}

/** Where the shared view lives (Redis), and who may refresh it next. */
export interface UpstreamViewStore {
  read(): Promise<UpstreamView | null>;
  /** Claims the next refresh for `ttlMs`; false while another reader holds the claim. */
  claim(ttlMs: number): Promise<boolean>;
  /** Stores a new view and drops the claim. */
  publish(view: UpstreamView): Promise<void>;
}

/** A view is never refreshed sooner than this... */
export const MIN_REFRESH_MS = 2_000;
/** ...nor so often that Proxmox and GitLab see more than one call a second from it on average. */
export const UPSTREAM_CALLS_PER_SECOND = 1;

/** When `view` is due for a refresh. */
export const refreshDueAt = (view: UpstreamView): number =>
  view.takenAt + Math.max(MIN_REFRESH_MS, (view.calls / UPSTREAM_CALLS_PER_SECOND) * 1000);
