// What this machine can run, and in plain words what the sandbox skips when it cannot.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Capability {
  ok: boolean;
  /** When not ok: what is missing and what the sandbox does without it. */
  note?: string;
}

export interface Capabilities {
  vmFarm: Capability;
  alertmanager: Capability;
  redisServer: Capability;
}

export const SSHD = '/usr/sbin/sshd';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, name)));

function vmFarm(): Capability {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (sshd chroots every fake VM and listens on port 22 of 127.x.y.z)');
  if (!executable(SSHD)) missing.push(`${SSHD} (apt-get install openssh-server)`);
  if (!onPath('ssh-keygen')) missing.push('ssh-keygen (apt-get install openssh-client)');
  if (missing.length === 0) return { ok: true };
  return {
    ok: false,
    note: `runner VMs need ${missing.join(' and ')}; without them the simulated VMs boot no machine, so a provision stops at "wait for the guest's IP" — Slack, approvals and alerts still work`,
  };
}

export function detectCapabilities(): Capabilities {
  return {
    vmFarm: vmFarm(),
    alertmanager: executable(ALERTMANAGER)
      ? { ok: true }
      : {
          ok: false,
          note: `${ALERTMANAGER} is not installed (apt-get install prometheus-alertmanager); alerts go straight to runnerbot's /alerts and the Silence button has no Alertmanager to talk to`,
        },
    redisServer: onPath('redis-server')
      ? { ok: true }
      : {
          ok: false,
          note: 'redis-server is not installed (apt-get install redis-server); set REDIS_URL to a Redis with appendonly yes and maxmemory-policy noeviction',
        },
  };
}
