// The Hypervisor port on Proxmox VE, through the `proxmox-api` client. TLS trust is per client
// (see proxmox/https-fetch.ts); failures become coded errors (see proxmox/errors.ts).
import type { Proxmox } from 'proxmox-api';
import { permanent, transient } from '../core/errors.ts';
import { pollDelay } from '../core/poll-backoff.ts';
import type {
  CloneRequest,
  Hypervisor,
  NodeSummary,
  StorageSummary,
  TaskOutcome,
  TaskRef,
  VmSettings,
  VmSummary,
} from '../core/ports.ts';
import type { OutboundProxy } from '../outbound-proxy.ts';
import { proxmoxClient } from './proxmox/client.ts';
import { layoutFix, parseFailure, toRunnerbotError } from './proxmox/errors.ts';
import type { PveFailure } from './proxmox/errors.ts';
import { routableIpv4 } from './proxmox/guest-ip.ts';
import { WARNED, warningLines } from './proxmox/task-outcome.ts';

export interface ProxmoxOptions {
  /** e.g. `https://pve.example.com:8006` */
  url: string;
  /** `user@realm!tokenid` */
  tokenId: string;
  tokenSecret: string;
  /** PEM of the CA that signed the Proxmox certificate. */
  ca?: string;
  /** Skip certificate verification for this client only. */
  insecure?: boolean;
  /** Per-request timeout; default 30 s. */
  requestTimeoutMs?: number;
  /** Longest interval between task status polls (the first ones come sooner); default 1 s. */
  pollMs?: number;
  /** How long resizeDisk waits for its task; default 120 s. */
  taskTimeoutMs?: number;
  /** The outbound proxy (HTTPS_PROXY and friends), if any. */
  proxy?: OutboundProxy;
}

/** Tries of one read (GET) answered 5xx before the failure costs the job an attempt. */
const READ_TRIES = 3;
const READ_RETRY_MS = 250;

const GUEST_NOT_UP = /guest agent is not running|VM \d+ is not running/i;
const ABSENT = /Configuration file '.*' does not exist/;
const TASK_TRANSIENT = /can't lock file|got timeout|VM is locked/i;

/** cloud-init `sshkeys` must itself be percent-encoded: PVE accepts only [-%a-zA-Z0-9_.!~*'()]. */
export const encodeSshKeys = (keys: string): string => encodeURIComponent(keys.trim());

export function createProxmoxHypervisor(options: ProxmoxOptions): Hypervisor {
  const api = proxmoxClient(options);
  const pollMs = options.pollMs ?? 1000;

  async function call<T>(
    action: string,
    request: () => Promise<T>,
    onFailure?: (f: PveFailure) => T | undefined,
  ): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const failure = parseFailure(error);
      const handled = onFailure?.(failure);
      if (handled !== undefined) return handled;
      throw toRunnerbotError(failure, action, options.tokenId, error);
    }
  }

  // A GET changes nothing, so a 5xx answer is simply asked again: one busy pveproxy worker must
  // not send a whole job back to the queue. (A lost connection is already retried by the client.)
  async function read<T>(
    action: string,
    request: () => Promise<T>,
    onFailure?: (f: PveFailure) => T | undefined,
  ): Promise<T> {
    for (let tries = 1; ; tries++) {
      const seen: { status?: number } = {};
      try {
        return await call(action, request, (f) => ((seen.status = f.status), onFailure?.(f)));
      } catch (error) {
        if (tries >= READ_TRIES || (seen.status ?? 0) < 500) throw error;
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS * tries));
      }
    }
  }

  const vm = (node: string, vmid: number) => api.nodes.$(node).qemu.$(vmid);

  // A task that warned succeeded; its warnings are in its log (pve-common RESTEnvironment log_warn).
  async function outcome(task: TaskRef, exitstatus: string): Promise<TaskOutcome> {
    if (!WARNED.test(exitstatus)) return { warnings: [] };
    const log = await read(`read the log of task ${task.upid}`, () =>
      api.nodes.$(task.node).tasks.$(task.upid).log.$get({ limit: 1000 }),
    );
    return { warnings: warningLines(log.map((line) => String(line.t ?? ''))) };
  }

  async function waitTask(task: TaskRef, timeoutMs: number): Promise<TaskOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const status = await call(`read task ${task.upid}`, () =>
        api.nodes.$(task.node).tasks.$(task.upid).status.$get(),
      ).catch((error: unknown) => {
        if (error instanceof Error && 'transient' in error && error.transient) return null;
        throw error;
      });
      if (status?.status === 'stopped') {
        if (status.exitstatus === 'OK' || WARNED.test(status.exitstatus ?? ''))
          return outcome(task, status.exitstatus ?? '');
        const fix = layoutFix(status.exitstatus ?? '');
        const text = `Proxmox task ${task.upid} failed: ${status.exitstatus ?? 'no exit status'}${fix ? `; ${fix}` : ''}`;
        throw TASK_TRANSIENT.test(status.exitstatus ?? '')
          ? transient('PROXMOX.TASK_FAILED', text)
          : permanent('PROXMOX.TASK_FAILED', text);
      }
      if (Date.now() >= deadline)
        throw transient('STEP.TIMEOUT', `Proxmox task ${task.upid} still running after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollDelay(attempt, pollMs)));
    }
  }

  const taskOn = (node: string, upid: unknown): TaskRef => ({
    node: /^UPID:([^:]+):/.exec(String(upid))?.[1] ?? node,
    upid: String(upid),
  });

  return {
    async listVms(): Promise<VmSummary[]> {
      const resources = await read('list VMs', () => api.cluster.resources.$get({ type: 'vm' }));
      return resources
        .filter((r) => r.type === 'qemu' && r.vmid !== undefined)
        .map((r) => ({
          vmid: r.vmid!,
          node: r.node ?? '',
          name: r.name ?? '',
          tags: (r.tags ?? '').split(/[;,\s]+/).filter(Boolean),
          ...(r.pool ? { pool: r.pool } : {}),
          status: r.status ?? 'unknown',
          template: Boolean(r.template),
        }));
    },

    async listNodes(): Promise<NodeSummary[]> {
      const resources = await read('list nodes', () => api.cluster.resources.$get({ type: 'node' }));
      return resources
        .filter((r) => r.type === 'node' && r.node)
        .map((r) => ({
          node: r.node!,
          online: r.status === 'online',
          freeMemoryBytes: Math.max(0, (r.maxmem ?? 0) - (r.mem ?? 0)),
        }));
    },

    async isVmidFree(vmid) {
      return read(
        `check that VMID ${vmid} is free`,
        async () => {
          await api.cluster.nextid.$get({ vmid });
          return true;
        },
        (f) => (f.status === 400 && f.errors?.vmid ? false : undefined),
      );
    },

    async cloneVm(req: CloneRequest) {
      const params = {
        newid: req.newid,
        name: req.name,
        target: req.targetNode,
        pool: req.pool,
        full: req.full,
        ...(req.full && req.storage ? { storage: req.storage } : {}),
        ...(req.description !== undefined ? { description: req.description } : {}),
      };
      const upid = await call(`clone template ${req.templateVmid} into VM ${req.newid}`, () =>
        vm(req.templateNode, req.templateVmid).clone.$post(params),
      );
      return taskOn(req.templateNode, upid);
    },

    waitTask,

    async listStorage(node): Promise<StorageSummary[]> {
      const storage = await read(`list the storage of node ${node}`, () => api.nodes.$(node).storage.$get());
      return storage.map((s) => ({
        storage: s.storage,
        shared: Boolean(s.shared),
        content: String(s.content ?? '')
          .split(',')
          .filter(Boolean),
      }));
    },

    async getVmConfig(node, vmid) {
      const config = await read(`read the config of VM ${vmid}`, () => vm(node, vmid).config.$get());
      return config as Record<string, string | number>;
    },

    async setVmConfig(node, vmid, settings: VmSettings) {
      await call(`configure VM ${vmid}`, () =>
        vm(node, vmid).config.$put({
          cores: settings.cores,
          memory: String(settings.memoryMiB),
          tags: settings.tags.join(';'),
          ciuser: settings.ciuser,
          sshkeys: encodeSshKeys(settings.sshPublicKey),
          ipconfig0: settings.ipconfig0,
          agent: '1',
          ciupgrade: false,
          ...(settings.net0 !== undefined ? { net0: settings.net0 } : {}),
          ...(settings.description !== undefined ? { description: settings.description } : {}),
        }),
      );
    },

    async resizeDisk(node, vmid, disk, sizeGiB) {
      const upid = await call(`resize ${disk} of VM ${vmid}`, () =>
        vm(node, vmid).resize.$put({ disk: disk as Proxmox.Tdisk_1, size: `${sizeGiB}G` }),
      );
      if (upid) await waitTask(taskOn(node, upid), options.taskTimeoutMs ?? 120_000);
    },

    async getVmStatus(node, vmid) {
      return read(
        `read the status of VM ${vmid}`,
        async () => {
          const current = await vm(node, vmid).status.current.$get();
          return current.status === 'running' ? 'running' : 'stopped';
        },
        (f) => (f.status === 500 && ABSENT.test(f.message) ? ('absent' as const) : undefined),
      );
    },

    async startVm(node, vmid) {
      return taskOn(node, await call(`start VM ${vmid}`, () => vm(node, vmid).status.start.$post()));
    },

    async stopVm(node, vmid) {
      return taskOn(node, await call(`stop VM ${vmid}`, () => vm(node, vmid).status.stop.$post()));
    },

    async deleteVm(node, vmid) {
      const upid = await call(
        `delete VM ${vmid}`,
        () => vm(node, vmid).$delete({ purge: true, 'destroy-unreferenced-disks': true }),
        (f) => (f.status === 500 && ABSENT.test(f.message) ? null : undefined),
      );
      return upid === null ? null : taskOn(node, upid);
    },

    async renameVm(node, vmid, name, description) {
      await call(`rename VM ${vmid}`, () => vm(node, vmid).config.$put({ name, description }));
    },

    async guestIpv4(node, vmid) {
      const answer = await read(
        `ask the guest agent of VM ${vmid} for its addresses`,
        () => vm(node, vmid).agent['network-get-interfaces'].$get(),
        (f) => (f.status === 500 && GUEST_NOT_UP.test(f.message) ? null : undefined),
      );
      return routableIpv4(answer);
    },
  };
}
