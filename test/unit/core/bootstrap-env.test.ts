import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapEnv, dockerKeyUrl, renderBootstrapEnv, runnerKeyUrl } from '../../../src/core/bootstrap-env.ts';
import { INJECTED_IMAGE, provisionSettings } from '../../../sim/vm/fixtures.ts';

/** The variables `sh` holds after sourcing the file (as bootstrap.sh does), out of its environment. */
function sourced(file: string, keys: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'runnerbot-env-'));
  try {
    writeFileSync(join(dir, 'bootstrap.env'), file);
    const out = execFileSync('/bin/sh', ['-c', 'set -a; . "$1"; env -0', 'sh', join(dir, 'bootstrap.env')], {
      encoding: 'utf8',
      env: {},
    });
    const vars = out.split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
    return Object.fromEntries(vars.filter(([k]) => keys.includes(k!)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('renderBootstrapEnv', () => {
  it('gives the script every value it needs, literally, when sourced', () => {
    const settings = provisionSettings({ cadvisorImage: INJECTED_IMAGE });
    const expected = bootstrapEnv(settings);
    expect(sourced(renderBootstrapEnv(settings), Object.keys(expected))).toEqual(expected);
    expect(expected).toMatchObject({
      CADVISOR_IMAGE: INJECTED_IMAGE,
      MANAGEMENT_NETWORKS: '10.20.0.0/16',
      PROMETHEUS_NETWORKS: '10.30.0.0/24 192.168.7.0/24',
      SSH_PORT: '2222',
      METRICS_PORTS: '9100 8080 9252',
      DPKG_LOCK_TIMEOUT: '10',
    });
  });

  it('keeps a value with a quote, a newline and `$(…)` as one value', () => {
    const image = "it's\nnew `id` $(reboot)";
    expect(sourced(renderBootstrapEnv(provisionSettings({ cadvisorImage: image })), ['CADVISOR_IMAGE'])).toEqual({
      CADVISOR_IMAGE: image,
    });
  });
});

describe('apt key locations', () => {
  it('follow the layout of Docker and GitLab repositories (and their mirrors)', () => {
    expect(dockerKeyUrl('https://download.docker.com/linux/debian')).toBe(
      'https://download.docker.com/linux/debian/gpg',
    );
    expect(runnerKeyUrl('https://packages.gitlab.com/runner/gitlab-runner/debian/')).toBe(
      'https://packages.gitlab.com/runner/gitlab-runner/gpgkey',
    );
    expect(runnerKeyUrl('http://mirror.local/gitlab-runner/debian')).toBe('http://mirror.local/gitlab-runner/gpgkey');
  });
});
