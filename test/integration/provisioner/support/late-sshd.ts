// A VmHost in front of the fake-VM farm whose guests bring sshd up late: the machine boots (its
// address is known, the guest agent reports it), then sshd stays down for `sshdDelayMs` — every
// SSH connection in that window is refused, as on a VM that is still running cloud-init.
import type { BootRequest, VmHost } from '../../../../sim/vm-host.ts';
import type { VmFarm } from '../../../../sim/vm/index.ts';

export interface LateSshdHost extends VmHost {
  /** Changeable while running; 0 boots sshd at once. */
  sshdDelayMs: number;
  /** sshd restarts still to come. */
  pending(): Promise<void>;
}

export function lateSshd(farm: VmFarm): LateSshdHost {
  const restarts = new Set<Promise<unknown>>();
  const host: LateSshdHost = {
    sshdDelayMs: 0,
    async boot(req: BootRequest) {
      const booted = await farm.boot(req);
      const delay = host.sshdDelayMs;
      if (delay <= 0) return booted;
      await farm.halt(req.vmid);
      const restart = new Promise((resolve) => setTimeout(resolve, delay)).then(() => farm.boot(req));
      restarts.add(restart);
      void restart.finally(() => restarts.delete(restart)).catch(() => undefined);
      return booted;
    },
    halt: (vmid) => farm.halt(vmid),
    destroy: (vmid) => farm.destroy(vmid),
    async pending() {
      await Promise.allSettled([...restarts]);
    },
  };
  return host;
}
