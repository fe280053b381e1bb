// startProxmoxSim: a Proxmox VE API over HTTPS on 127.0.0.1:<port 0>, with state (nodes, pools,
// templates, VMs), tasks with real UPIDs, the clone lock, a guest agent that answers once the VM
// has booted, token auth and path-based privileges, storage sharing, tasks that warn, every request checked against the PVE schema fixture.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Faults } from '../faults.ts';
import type { VmHost } from '../vm-host.ts';
import type { SimToken } from './auth.ts';
import type { SimRuntime, SimTiming } from './runtime.ts';
import { requestHandler } from './server.ts';
import type { RequestLogEntry } from './server.ts';
import { ClusterState } from './state.ts';
import type { SimVm } from './state.ts';
import { TaskRunner } from './tasks.ts';
import type { SimTask } from './tasks.ts';
import { makeCertificate } from './tls.ts';
import { DEFAULT_STORAGES, seedNodes, seedStorages, seedTemplate, seedVm } from './seed.ts';
import type { NodeOption, StorageOption, TemplateOption, VmOption } from './seed.ts';

export type {
  NodeOption,
  RequestLogEntry,
  StorageOption,
  SimTask,
  SimTiming,
  SimToken,
  SimVm,
  TemplateOption,
  VmOption,
};

export interface ProxmoxSimOptions {
  /** Default: one node `pve1` with 64 GiB free of 128 GiB. */
  nodes?: NodeOption[];
  /** Default: `['runners']`. */
  pools?: string[];
  /** Default: a fresh install's `local` and `local-lvm`, neither shared. */
  storages?: StorageOption[];
  /** Default: VMID 9000 `debian-12-cloudinit` on the first node, 8 GiB scsi0. */
  templates?: TemplateOption[];
  /** VMs that exist before the test starts (somebody else's, or runnerbot's from before). */
  vms?: VmOption[];
  /** Default: one token `runnerbot@pve!runnerbot` with a random UUID secret and every privilege. */
  tokens?: SimToken[];
  /** Task durations and guest boot delays in ms. Defaults: 30, taskMs, 50, agentBootMs. */
  timing?: Partial<SimTiming>;
  /** Boots a real machine per started VM; without it eth0 gets a made-up 127.0.0.x address. */
  vmHost?: VmHost;
  faults?: Faults;
}

export interface ProxmoxSim {
  /** `https://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  /** The PEM of the self-signed certificate: give it to the client as its CA. */
  caPem: string;
  /** The first configured token (`id` is `user@realm!tokenid`). */
  token: { id: string; secret: string };
  faults: Faults;
  /** Changeable while running (e.g. a longer clone to hold the clone lock). */
  timing: SimTiming;
  state: ClusterState;
  tasks: Map<string, SimTask>;
  requests: RequestLogEntry[];
  /** Errors the VmHost raised (boot, halt, destroy). */
  hostErrors: string[];
  vm(vmid: number): SimVm | undefined;
  close(): Promise<void>;
}

export async function startProxmoxSim(options: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  const state = new ClusterState();
  seedNodes(state, options.nodes ?? [{ name: 'pve1' }]);
  for (const pool of options.pools ?? ['runners']) state.pools.add(pool);
  seedStorages(state, options.storages ?? DEFAULT_STORAGES);
  const firstNode = [...state.nodes.keys()][0]!;
  for (const t of options.templates ?? [{ vmid: 9000, node: firstNode, name: 'debian-12-cloudinit' }])
    seedTemplate(state, t);
  for (const vm of options.vms ?? []) seedVm(state, vm);

  const taskMs = options.timing?.taskMs ?? 30;
  const agentBootMs = options.timing?.agentBootMs ?? 50;
  const timing: SimTiming = { taskMs, cloneTaskMs: taskMs, agentBootMs, dockerAfterMs: agentBootMs, ...options.timing };
  const tokens = options.tokens ?? [{ id: 'runnerbot@pve!runnerbot', secret: randomUUID(), privileges: 'all' }];
  const faults = options.faults ?? new Faults();
  const tasks = new TaskRunner();
  const rt: SimRuntime = {
    state,
    tasks,
    timing,
    hostErrors: [],
    ...(options.vmHost ? { vmHost: options.vmHost } : {}),
  };
  const requests: RequestLogEntry[] = [];

  const { key, cert } = await makeCertificate();
  const server = createServer({ key, cert }, (req, res) => void requestHandler(rt, tokens, faults, requests)(req, res));
  const host = '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://${host}:${port}`,
    host,
    port,
    caPem: cert,
    token: { id: tokens[0]!.id, secret: tokens[0]!.secret },
    faults,
    timing,
    state,
    tasks: tasks.tasks,
    requests,
    hostErrors: rt.hostErrors,
    vm: (vmid) => state.vms.get(vmid),
    close: async () => {
      tasks.stopAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
