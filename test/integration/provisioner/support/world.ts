// An in-process world for provisioner resilience tests and benchmarks: the Proxmox VE simulator
// (its VMs are fake VMs with a real sshd), the GitLab simulator, runnerbot's real adapters built
// from a runnerbot.yaml by buildStepDeps, and runnerbot's Redis stores under a fresh prefix.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { StepDeps } from '../../../../src/app/steps/step.ts';
import { buildStepDeps } from '../../../../src/composition/provisioning.ts';
import { buildStores, type Stores } from '../../../../src/composition/stores.ts';
import type { LoadedConfig } from '../../../../src/config.ts';
import {
  startGitlabSim,
  type GitlabSim,
  type GitlabSimOptions,
  type SimAccessToken,
} from '../../../../sim/gitlab/index.ts';
import {
  startProxmoxSim,
  type ProxmoxSim,
  type ProxmoxSimOptions,
  type SimToken,
} from '../../../../sim/proxmox/index.ts';
import { createVmFarm, type VmFarm } from '../../../../sim/vm/index.ts';
import { lateSshd, type LateSshdHost } from './late-sshd.ts';
import { LAYOUT, writeWorldConfig, type WorldSettings } from './world-config.ts';

const TiB = 1024 ** 4;

export interface WorldOptions extends WorldSettings {
  /** Proxmox simulator options; `tokens[0]` (default: an administrator token) is runnerbot's. */
  proxmox?: Omit<ProxmoxSimOptions, 'vmHost' | 'nodes' | 'pools' | 'templates'>;
  /** GitLab simulator options; `tokens[0]` (default: an admin with every runner scope) is runnerbot's. */
  gitlab?: GitlabSimOptions;
}

/** Another identity for runnerbot than the configured one, or another template: a misconfiguration. */
export interface DepsVariant {
  proxmoxToken?: SimToken;
  gitlabToken?: SimAccessToken;
  templateVmid?: number;
}

export interface World {
  proxmox: ProxmoxSim;
  gitlab: GitlabSim;
  farm: VmFarm;
  /** The farm as the Proxmox simulator boots it: set `sshdDelayMs` to refuse SSH for a while. */
  vmHost: LateSshdHost;
  redis: Redis;
  prefix: string;
  loaded: LoadedConfig;
  stores: Stores;
  /** The real adapters, as a worker builds them from the configuration. */
  stepDeps: StepDeps;
  stepDepsWith(variant: DepsVariant): StepDeps;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-resilience-'));
  const farm = await createVmFarm();
  const vmHost = lateSshd(farm);
  const tokens = options.proxmox?.tokens ?? [
    { id: 'runnerbot@pve!runnerbot', secret: randomUUID(), privileges: 'all' as const },
  ];
  const [proxmox, gitlab] = await Promise.all([
    startProxmoxSim({
      ...options.proxmox,
      tokens,
      nodes: [{ name: LAYOUT.node, freeMemoryBytes: TiB, totalMemoryBytes: 2 * TiB }],
      pools: [LAYOUT.pool],
      templates: [{ vmid: LAYOUT.template.vmid, node: LAYOUT.node, name: LAYOUT.template.name }],
      vmHost,
    }),
    startGitlabSim(options.gitlab),
  ]);
  const redisUrl = process.env.RUNNERBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `rbt-resilience-${randomBytes(5).toString('hex')}`;
  const loaded = await writeWorldConfig(
    dir,
    {
      proxmoxUrl: proxmox.url,
      proxmoxCaPem: proxmox.caPem,
      proxmoxToken: proxmox.token,
      gitlabUrl: gitlab.url,
      gitlabToken: gitlab.token,
      sshPort: farm.sshPort,
      redis: { url: redisUrl, prefix },
    },
    options,
  );
  const redis = new Redis(redisUrl);
  const stores = buildStores(redis, loaded);

  const stepDepsWith = (variant: DepsVariant): StepDeps => {
    const { config, secrets } = loaded;
    return buildStepDeps(
      {
        ...loaded,
        config: {
          ...config,
          proxmox: {
            ...config.proxmox,
            tokenId: variant.proxmoxToken?.id ?? config.proxmox.tokenId,
            templateVmid: variant.templateVmid ?? config.proxmox.templateVmid,
          },
        },
        secrets: {
          ...secrets,
          proxmoxTokenSecret: variant.proxmoxToken?.secret ?? secrets.proxmoxTokenSecret,
          gitlabToken: variant.gitlabToken?.token ?? secrets.gitlabToken,
        },
      },
      stores,
    );
  };

  return {
    proxmox,
    gitlab,
    farm,
    vmHost,
    redis,
    prefix,
    loaded,
    stores,
    stepDeps: buildStepDeps(loaded, stores),
    stepDepsWith,
    async close() {
      await vmHost.pending();
      await Promise.allSettled([proxmox.close(), gitlab.close(), stores.queue.close()]);
      await farm.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
