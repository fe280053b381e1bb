// docker-compose.yml and the Dockerfile cannot run here: check that what they reference exists
// and agrees with the code (secret variable names, the Redis settings runnerbot insists on).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SECRET_VARIABLES } from '../../../src/secrets.ts';
import { REPO } from './processes.ts';

interface Service {
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
}

const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as Compose;
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
/** What the operator provides next to the compose file; the README must say so. */
const OPERATOR_PROVIDED = /^\.\/(runnerbot\.yaml|secrets\/|certs$)/;

const bindSources = Object.values(compose.services).flatMap((s) =>
  (s.volumes ?? []).map((v) => v.split(':')[0]!).filter((src) => src.startsWith('./')),
);

describe('docker-compose.yml', () => {
  it('runs Redis with AOF and noeviction, and runnerbot all', () => {
    expect(compose.services.redis!.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']),
    );
    expect(compose.services.runnerbot!.command).toEqual(['all']);
  });

  it('mounts only files of the repository, or files the README tells the operator to provide', () => {
    const shipped = bindSources.filter((src) => !OPERATOR_PROVIDED.test(src));
    expect(shipped.filter((src) => !existsSync(join(REPO, src)))).toEqual([]);
    expect(shipped).toEqual(
      expect.arrayContaining([
        './monitoring/prometheus.yml',
        './monitoring/rules/',
        './monitoring/alertmanager.yml',
        './monitoring/grafana/provisioning/',
        './monitoring/grafana/dashboards/',
      ]),
    );
    for (const provided of ['runnerbot.yaml', 'secrets/', 'certs/']) expect(readme).toContain(provided);
  });

  it('keeps the monitoring stack behind the monitoring profile', () => {
    for (const name of ['prometheus', 'alertmanager', 'grafana'])
      expect(compose.services[name]!.profiles).toEqual(['monitoring']);
  });

  it('hands runnerbot its secrets as *_FILE variables that runnerbot reads, from declared secrets', () => {
    const runnerbot = compose.services.runnerbot!;
    const fileVariables = Object.keys(runnerbot.environment ?? {}).filter((v) => v.endsWith('_FILE'));
    const known = Object.values(SECRET_VARIABLES).map((v) => `${v}_FILE`);
    expect(fileVariables.filter((v) => !known.includes(v))).toEqual([]);
    for (const v of fileVariables) {
      const secret = runnerbot.environment![v]!.replace('/run/secrets/', '');
      expect(runnerbot.secrets).toContain(secret);
      expect(compose.secrets[secret]?.file).toMatch(OPERATOR_PROVIDED);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');

  it('copies files that exist, runs as a non-root user and checks /healthz', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copied.filter((path) => !existsSync(join(REPO, path)))).toEqual([]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('/healthz');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/main.js"]');
  });

  it('builds src into JavaScript whose entry point runs without tsx', () => {
    // Inside the checkout, so the compiled modules find node_modules as they do in the image.
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    const out = mkdtempSync(join(REPO, '.tmp', 'dist-'));
    const tsc = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', out],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    mkdirSync(join(out, 'provisioner/remote'), { recursive: true });
    copyFileSync(join(REPO, 'src/provisioner/remote/bootstrap.sh'), join(out, 'provisioner/remote/bootstrap.sh'));
    const check = spawnSync(
      process.execPath,
      [join(out, 'main.js'), 'config', 'check', join(REPO, 'runnerbot.example.yaml')],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    rmSync(out, { recursive: true, force: true });
  }, 60_000);
});
