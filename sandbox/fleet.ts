// The panel's JSON: the simulated Proxmox VMs, the GitLab runners, Alertmanager's alerts and
// silences, and whether runnerbot is up — read from the simulators' memory and the real APIs.
import type { Simulators } from './simulators.ts';

export interface FleetSources {
  sims: Simulators;
  runnerbotUrl: string;
  alertmanagerUrl?: string;
}

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

function vms({ sims }: FleetSources) {
  return [...sims.proxmox.state.vms.values()]
    .map((vm) => ({
      vmid: vm.vmid,
      name: vm.config.name ?? '',
      node: vm.node,
      status: vm.status,
      ip: vm.ip ?? null,
      template: vm.config.template === '1',
      tags: (vm.config.tags ?? '').split(/[;,]/).filter(Boolean),
      pool: vm.pool ?? null,
      lock: vm.config.lock ?? null,
      cores: Number(vm.config.cores ?? 0),
      memoryMiB: Number(/\d+/.exec(vm.config.memory ?? '')?.[0] ?? 0),
    }))
    .sort((a, b) => a.vmid - b.vmid);
}

function runners({ sims }: FleetSources) {
  return sims.gitlab.runners().map((r) => ({
    id: r.id,
    description: r.description,
    tags: r.tagList,
    paused: r.paused,
    contactedAt: r.contactedAt === null ? null : new Date(r.contactedAt).toISOString(),
    runningJobs: r.jobs.filter((j) => j.status === 'running').length,
  }));
}

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
}
interface AmSilence {
  id: string;
  createdBy: string;
  comment: string;
  endsAt: string;
  status: { state: string };
  matchers: { name: string; value: string; isEqual?: boolean; isRegex: boolean }[];
}

async function alertmanager(url: string | undefined) {
  if (!url) return null;
  const [alerts, silences] = await Promise.all([getJson(`${url}/api/v2/alerts`), getJson(`${url}/api/v2/silences`)]);
  return {
    alerts: ((alerts as AmAlert[] | undefined) ?? []).map((a) => ({ labels: a.labels, state: a.status.state })),
    silences: ((silences as AmSilence[] | undefined) ?? [])
      .filter((s) => s.status.state !== 'expired')
      .map((s) => ({
        id: s.id,
        createdBy: s.createdBy,
        comment: s.comment,
        endsAt: s.endsAt,
        state: s.status.state,
        matchers: s.matchers.map(
          (m) => `${m.name}${m.isEqual === false ? '!' : ''}${m.isRegex ? '=~' : '='}"${m.value}"`,
        ),
      })),
  };
}

export async function fleetState(sources: FleetSources) {
  const health = await fetch(`${sources.runnerbotUrl}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
  return {
    runnerbot: { healthy: health, socketConnections: sources.sims.slack.socket.connections() },
    vms: vms(sources),
    runners: runners(sources),
    alertmanager: await alertmanager(sources.alertmanagerUrl),
  };
}
