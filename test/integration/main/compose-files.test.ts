// Compose as shipped, seen from inside the container: the image's user, the mounts and volumes of
// docker-compose.yml, and the example configuration. Docker does not run here, so the test lays the
// container's filesystem out in a temp root as Docker would (bind mounts and secrets owned as the
// compose file tells the operator, named volumes owned like the image's directory at that path),
// then runs `runnerbot config check --for all` as the image's user against it.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config.ts';
import { filesOpened } from '../../../src/file-access.ts';
import { PRIVATE_KEY_BODY } from './fixture-config.ts';
import { REPO } from './processes.ts';

/** node:20-slim's `node` user is uid/gid 1000. */
const IMAGE_USERS: Record<string, number> = { node: 1000, root: 0 };

interface Service {
  environment: Record<string, string>;
  secrets: string[];
  volumes: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}
interface Mount {
  target: string;
  kind: 'bind' | 'volume' | 'secret';
  source: string;
  readOnly: boolean;
}

const composeText = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
const shipped = { compose: parse(composeText) as Compose, dockerfile: readFileSync(join(REPO, 'Dockerfile'), 'utf8') };
const example = readFileSync(join(REPO, 'runnerbot.example.yaml'), 'utf8');

/** The runtime stage's user and the directories it makes and gives to a user. */
function imageView(dockerfile: string) {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = /^USER (\S+)$/m.exec(runtime)?.[1] ?? 'root';
  const owned = new Map<string, number>();
  for (const m of runtime.matchAll(/chown (\w+)(?::\w+)? (\/\S+)/g)) owned.set(m[2]!, IMAGE_USERS[m[1]!]!);
  return { uid: IMAGE_USERS[user]!, owned };
}

function mountsOf(compose: Compose): Mount[] {
  const service = compose.services.runnerbot!;
  const volumes = service.volumes.map((v): Mount => {
    const [source, target, mode] = v.split(':') as [string, string, string?];
    return {
      source,
      target,
      kind: source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume',
      readOnly: mode === 'ro',
    };
  });
  const secrets = service.secrets.map((name): Mount => ({
    source: compose.secrets[name]!.file,
    target: `/run/secrets/${name}`,
    kind: 'secret',
    readOnly: true,
  }));
  return [...volumes, ...secrets];
}

const mountFor = (mounts: Mount[], path: string) =>
  mounts
    .filter((m) => path === m.target || path.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];

/** Every path runnerbot opens under Compose: what loading the configuration reads, and the files it uses later. */
function pathsOpened(env: Record<string, string>) {
  const read: string[] = [];
  const loaded = loadConfig(
    env,
    (path) => {
      read.push(path);
      if (path === env.RUNNERBOT_CONFIG) return example;
      if (path.endsWith('.pub')) return 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest runnerbot\n';
      return path.includes('/ssh/')
        ? `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`
        : 'secret-value';
    },
    { role: 'all' },
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const later = filesOpened(loaded.value, 'all');
  return {
    reads: [...new Set([...read, ...later.filter((n) => n.access === 'read').map((n) => n.path)])],
    writes: later.filter((n) => n.access === 'read-write').map((n) => n.path),
  };
}

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Lays the container's filesystem out under a temp root; returns the root and the env runnerbot sees there. */
function layOut(view: { compose: Compose; dockerfile: string }) {
  const image = imageView(view.dockerfile);
  const mounts = mountsOf(view.compose);
  const env = view.compose.services.runnerbot!.environment;
  const { reads, writes } = pathsOpened(env);
  const root = mkdtempSync(join(tmpdir(), 'rbt-compose-'));
  roots.push(root);
  chmodSync(root, 0o755);
  const at = (path: string) => join(root, path);
  for (const mount of mounts) {
    if (mount.kind === 'secret' || reads.includes(mount.target)) continue; // a secret or a single file
    mkdirSync(at(mount.target), { recursive: true, mode: 0o755 });
    // The operator provides bind sources readable by uid 1000; a new named volume takes the owner
    // of the image's directory at its target (root when the image has none).
    const owner = mount.kind === 'bind' ? image.uid : (image.owned.get(mount.target) ?? 0);
    chownSync(at(mount.target), owner, owner);
    chmodSync(at(mount.target), mount.readOnly ? 0o500 : 0o700);
  }
  const rewrite = (text: string) =>
    [...reads, ...writes].reduce((t, path) => t.replaceAll(`: ${path}`, `: ${at(path)}`), text);
  for (const path of reads) {
    const mount = mountFor(mounts, path);
    if (!mount || mount.kind === 'volume') continue;
    mkdirSync(dirname(at(path)), { recursive: true });
    const content =
      path === env.RUNNERBOT_CONFIG
        ? rewrite(example)
        : path.endsWith('.pub')
          ? 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest runnerbot\n'
          : path.endsWith('.pem')
            ? '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n'
            : path.includes('/ssh/')
              ? `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`
              : 'secret-value\n';
    chmodSync(dirname(at(path)), 0o755);
    writeFileSync(at(path), content, { mode: 0o400 });
    chownSync(at(path), image.uid, image.uid);
    if (mount.readOnly && mount.kind === 'bind') chmodSync(at(mount.target), 0o500);
  }
  const containerEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? at(v) : v]));
  return { root, image, mounts, reads, writes, env: containerEnv };
}

function configCheckAs(uid: number, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(REPO, 'bin/runnerbot.js'), 'config', 'check', '--for', 'all'], {
    uid,
    gid: uid,
    cwd: '/',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const withoutMount = (target: string) => {
  const compose = structuredClone(shipped.compose);
  const service = compose.services.runnerbot!;
  service.volumes = service.volumes.filter((v) => v.split(':')[1] !== target);
  return { compose, dockerfile: shipped.dockerfile };
};

describe('Compose as shipped', () => {
  it('puts every file runnerbot opens on a mount: read ones provided by the operator, written ones on a volume the image user owns', () => {
    const { image, mounts, reads, writes } = layOut(shipped);
    expect(image.uid).toBe(1000);
    expect(reads).toEqual(
      expect.arrayContaining([
        '/etc/runnerbot/runnerbot.yaml',
        '/etc/runnerbot/ssh/id_ed25519',
        '/etc/runnerbot/certs/pve-ca.pem',
        '/run/secrets/runnerbot_gitlab_token',
      ]),
    );
    expect(writes).toEqual(['/var/lib/runnerbot/known_hosts']);
    const problems: string[] = [];
    for (const path of reads) {
      const mount = mountFor(mounts, path);
      if (!mount || mount.kind === 'volume') problems.push(`${path} is read but no bind mount or secret provides it`);
      else if (mount.kind === 'bind' && !composeText.includes(`#   ${mount.source.split('/').slice(0, 2).join('/')}`)) {
        problems.push(
          `${path} comes from ${mount.source}, which the compose file's header does not ask the operator for`,
        );
      }
    }
    for (const path of writes) {
      const mount = mountFor(mounts, path);
      if (!mount || mount.kind !== 'volume' || mount.readOnly)
        problems.push(`${path} is written but is on no writable volume`);
      else if (image.owned.get(mount.target) !== image.uid)
        problems.push(`${path}: the image does not give ${mount.target} to its user, so a new volume there is root's`);
    }
    expect(problems).toEqual([]);
  });

  it('passes `config check --for all` run as the image user in that filesystem', () => {
    const { image, env } = layOut(shipped);
    const result = configCheckAs(image.uid, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('fails config check, naming the file, when no volume is mounted where the known-hosts file lives', () => {
    const { image, env } = layOut(withoutMount('/var/lib/runnerbot'));
    const result = configCheckAs(image.uid, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ssh\.knownHostsFile: \S+\/var\/lib\/runnerbot\/known_hosts: its directory \S+ does not exist; runnerbot writes this file/,
    );
  });

  it('reports a volume the image user cannot write as a local permission problem', () => {
    const dockerfile = shipped.dockerfile.replace(/chown node:node \/var\/lib\/runnerbot/, 'true');
    const { image, env } = layOut({ compose: shipped.compose, dockerfile });
    const result = configCheckAs(image.uid, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ssh\.knownHostsFile: .* is not writable by this process \(uid 1000\) \(EACCES\): a permission problem on this host, not a network one/,
    );
  });

  it('fails config check naming proxmox.caFile when the CA is not mounted', () => {
    const { image, env } = layOut(withoutMount('/etc/runnerbot/certs'));
    const result = configCheckAs(image.uid, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/proxmox\.caFile: \S+\/etc\/runnerbot\/certs\/pve-ca\.pem does not exist/);
  });
});
