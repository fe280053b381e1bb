// The rest of `runnerbot doctor`: Redis keeps what it is given, the SSH key is readable and the
// known-hosts file writable, and Alertmanager answers.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redis } from 'ioredis';
import { checkRedis, type RedisEndpoint } from '../../redis.ts';
import { describeEndpoint, endpointMode } from '../../redis-endpoint.ts';
import { describeRedis } from '../../redis-facts.ts';
import { attempt, fail, pass, type CheckResult } from './check.ts';

/** `probeKey`: a key under runnerbot's prefix, so that on a Cluster the facts come from its slot's primary. */
export async function redisCheck(redis: Redis, endpoint: RedisEndpoint, probeKey: string): Promise<CheckResult[]> {
  return attempt(
    'redis',
    'start Redis with appendonly yes and maxmemory-policy noeviction, and point the redis section / REDIS_URL at it',
    async () => {
      const { warnings } = await checkRedis(redis, endpoint);
      const facts = await describeRedis(redis, endpointMode(endpoint), probeKey);
      const replicas =
        facts.replicas.length === 0
          ? 'no replicas'
          : `${facts.replicasInSync} of ${facts.replicas.length} replicas in sync`;
      const notes = warnings.length ? ` (${warnings.join('; ')})` : '';
      return pass(
        'redis',
        `${describeEndpoint(endpoint)}: primary ${facts.primary}, ${replicas}; evicts nothing and keeps an append-only file${notes}`,
      );
    },
  );
}

export async function sshChecks(ssh: {
  keyPath: string;
  knownHosts: string;
  knownHostsFile?: string;
}): Promise<CheckResult[]> {
  const readable = await access(ssh.keyPath, constants.R_OK).then(
    () => true,
    () => false,
  );
  const key = readable
    ? pass('ssh key', `${ssh.keyPath} is readable`)
    : fail(
        'ssh key',
        `${ssh.keyPath} could not be read`,
        `create it (ssh-keygen -t ed25519 -f ${ssh.keyPath}) readable by runnerbot's user only`,
      );
  if (ssh.knownHosts === 'off' || ssh.knownHostsFile === undefined)
    return [key, pass('ssh known hosts', 'host keys are not kept (knownHosts: off)')];
  const file = ssh.knownHostsFile;
  const writable = await access(file, constants.W_OK).then(
    () => true,
    async () =>
      access(dirname(file), constants.W_OK).then(
        () =>
          access(file).then(
            () => false,
            () => true,
          ),
        () => false,
      ),
  );
  return [
    key,
    writable
      ? pass('ssh known hosts', `${file} is writable`)
      : fail(
          'ssh known hosts',
          `${file} is not writable`,
          `make ${file} (or its directory) writable by runnerbot's user`,
        ),
  ];
}

export async function alertmanagerCheck(url: string | undefined): Promise<CheckResult[]> {
  if (url === undefined) return [pass('alertmanager', 'not configured (the Silence button is off)')];
  return attempt('alertmanager', 'check alerts.alertmanagerUrl', async () => {
    const res = await fetch(new URL('-/healthy', url.endsWith('/') ? url : `${url}/`), {
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.ok
      ? pass('alertmanager', `${url} is healthy`)
      : fail('alertmanager', `${url}/-/healthy answered ${res.status}`, 'check alerts.alertmanagerUrl');
  });
}
