// Prometheus HTTP service discovery: every managed runner's exporters as target groups.
import type { FleetEntry } from './ports.ts';

/** The exporters a provisioned runner serves; `job` is the Prometheus job its targets get. */
export const RUNNER_EXPORTERS = [
  { job: 'node', port: 9100 },
  { job: 'cadvisor', port: 8080 },
  { job: 'gitlab-runner', port: 9252 },
] as const;

export type RunnerExporterJob = (typeof RUNNER_EXPORTERS)[number]['job'];

/** One element of the JSON array Prometheus' `http_sd_configs` expects. */
export interface TargetGroup {
  targets: string[];
  labels: { job: RunnerExporterJob; runner: string; node: string; vmid: string; profile: string };
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Runners without an address yet cannot be scraped and are left out; order is by name. */
export function runnerTargetGroups(entries: readonly FleetEntry[]): TargetGroup[] {
  return entries
    .filter((entry) => entry.ip !== '')
    .toSorted((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) =>
      RUNNER_EXPORTERS.map(({ job, port }) => ({
        targets: [hostPort(entry.ip, port)],
        labels: { job, runner: entry.name, node: entry.node, vmid: String(entry.vmid), profile: entry.profile },
      })),
    );
}
