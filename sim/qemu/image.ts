// The Debian 12 image the QEMU VMs boot: built once by scripts/vm/build-image.sh (about two
// minutes on this kind of machine) and cached by content hash under /var/cache/runnerbot-vm.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = new URL('../../scripts/vm/build-image.sh', import.meta.url).pathname;

export interface VmImage {
  rootfs: string;
  kernel: string;
  initrd: string;
}

/** `extra`: packages baked into the image on top of a cloud template's (each set is its own image). */
export async function ensureImage(extra = ''): Promise<VmImage> {
  const env = { ...process.env, RUNNERBOT_VM_EXTRA: extra };
  const { stdout } = await promisify(execFile)(SCRIPT, [], { env, maxBuffer: 1 << 20, timeout: 20 * 60_000 });
  const dir = stdout.trim().split('\n').pop()!;
  return { rootfs: join(dir, 'rootfs.raw'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img') };
}
