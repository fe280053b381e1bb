// For tests: a raw proxmox-api client for a simulator (trusting its CA), and the failure a call
// ended with, read back from proxmox-api's error (status, message, parameter errors).
import proxmoxApi from 'proxmox-api';
import type { Proxmox, ProxmoxEngineOptions } from 'proxmox-api';
import { fetchTrusting } from '../../src/provisioner/proxmox/https-fetch.ts';
import { parseFailure } from '../../src/provisioner/proxmox/errors.ts';
import type { PveFailure } from '../../src/provisioner/proxmox/errors.ts';
import type { ProxmoxSim } from './index.ts';

export function rawClient(sim: ProxmoxSim, token: { id: string; secret: string } = sim.token): Proxmox.Api {
  return proxmoxApi({
    host: sim.host,
    port: sim.port,
    tokenID: token.id,
    tokenSecret: token.secret,
    fetch: fetchTrusting({ ca: sim.caPem }) as unknown as ProxmoxEngineOptions['fetch'],
  });
}

export async function failureOf(call: Promise<unknown>): Promise<PveFailure> {
  try {
    await call;
  } catch (error) {
    return parseFailure(error);
  }
  throw new Error('the call succeeded');
}

export async function waitForTask(
  api: Proxmox.Api,
  node: string,
  upid: string,
): Promise<{ status: string; exitstatus?: string }> {
  for (;;) {
    const status = await api.nodes.$(node).tasks.$(upid).status.$get();
    if (status.status === 'stopped') return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
