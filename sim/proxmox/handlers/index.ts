// Which handler answers which schema endpoint.
import type { Handler } from '../runtime.ts';
import { nextid, listQemu, resources, taskLog, taskStatus } from './cluster.ts';
import { accessPermissions, listPools, listStorage, nodeNetwork, nodeStorage } from './cluster-config.ts';
import { clone } from './vm-clone.ts';
import { getConfig, postConfig, putConfig, resize } from './vm-config.ts';
import { agentInterfaces, currentStatus, destroy, reboot, shutdown, start, stop } from './vm-power.ts';

export const HANDLERS: Record<string, Handler> = {
  'GET /nodes/{node}/qemu': listQemu,
  'DELETE /nodes/{node}/qemu/{vmid}': destroy,
  'POST /nodes/{node}/qemu/{vmid}/clone': clone,
  'GET /nodes/{node}/qemu/{vmid}/config': getConfig,
  'POST /nodes/{node}/qemu/{vmid}/config': postConfig,
  'PUT /nodes/{node}/qemu/{vmid}/config': putConfig,
  'PUT /nodes/{node}/qemu/{vmid}/resize': resize,
  'GET /nodes/{node}/qemu/{vmid}/status/current': currentStatus,
  'POST /nodes/{node}/qemu/{vmid}/status/start': start,
  'POST /nodes/{node}/qemu/{vmid}/status/stop': stop,
  'POST /nodes/{node}/qemu/{vmid}/status/shutdown': shutdown,
  'POST /nodes/{node}/qemu/{vmid}/status/reboot': reboot,
  'GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': agentInterfaces,
  'GET /nodes/{node}/tasks/{upid}/status': taskStatus,
  'GET /nodes/{node}/tasks/{upid}/log': taskLog,
  'GET /storage': listStorage,
  'GET /nodes/{node}/storage': nodeStorage,
  'GET /nodes/{node}/network': nodeNetwork,
  'GET /pools': listPools,
  'GET /access/permissions': accessPermissions,
  'GET /cluster/nextid': nextid,
  'GET /cluster/resources': resources,
};
