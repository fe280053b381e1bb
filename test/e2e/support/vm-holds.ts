// Ways to keep a provision at one point for as long as a test needs, using only what a real VM
// can do: apt's dpkg lock held by someone else (bootstrap phases wait for it), and a config.toml
// that cannot be read yet (a FIFO: `cat` blocks until it is gone).
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { chown, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SimVm } from '../../../sim/vm/index.ts';
import type { JobsSimulators } from './jobs-sims.ts';

export interface Hold {
  /** Lets the provision go on (the next attempt, or the waiting step, passes). */
  release(): Promise<void>;
}

const inVm = (vm: SimVm, path: string) => join(vm.root, path.replace(/^\/+/, ''));

/** Owned by the VM's user, as everything writable on the fake VM is (its sudo only runs the command). */
async function chownLikeEtc(vm: SimVm, path: string): Promise<void> {
  const { uid, gid } = await stat(inVm(vm, '/etc'));
  await chown(path, uid, gid);
}

function holdOnBoot(
  sims: JobsSimulators,
  runner: string,
  path: string,
  create: (vm: SimVm, file: string) => Promise<void>,
  unblock = async (_file: string) => rm(_file, { force: true }),
): Hold {
  let booted: SimVm | undefined;
  const forget = sims.onBoot(runner, async (vm) => {
    booted = vm;
    await create(vm, inVm(vm, path));
  });
  return {
    async release() {
      forget();
      if (booted) await unblock(inVm(booted, path));
    },
  };
}

/**
 * Removes a FIFO and lets every reader blocked on it go: opened read-write (which never blocks on
 * Linux) it has a writer, so blocked opens return; unlinked, no new reader finds it; closed, the
 * readers see end-of-file. (The farm's metrics agents read config.toml too.)
 */
async function removeFifo(file: string): Promise<void> {
  const handle = await open(file, constants.O_RDWR | constants.O_NONBLOCK).catch(() => null);
  await rm(file, { force: true });
  await handle?.close();
}

/** Every bootstrap phase that installs packages waits (apt's DPkg::Lock::Timeout) until release. */
export const holdDpkgLock = (sims: JobsSimulators, runner: string): Hold =>
  holdOnBoot(sims, runner, '/var/lib/sim/dpkg-lock-held', async (vm, file) => {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, '');
    await chownLikeEtc(vm, file);
  });

/** write-config's first look at /etc/gitlab-runner/config.toml blocks until release. */
export const holdConfigToml = (sims: JobsSimulators, runner: string): Hold =>
  holdOnBoot(
    sims,
    runner,
    '/etc/gitlab-runner/config.toml',
    async (vm, file) => {
      await mkdir(join(file, '..'), { recursive: true });
      await chownLikeEtc(vm, join(file, '..'));
      await promisify(execFile)('mkfifo', ['-m', '0600', file]);
      await chownLikeEtc(vm, file);
    },
    removeFifo,
  );
