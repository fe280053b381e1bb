// cAdvisor's image cannot be pulled here, so a stand-in image (Debian's static busybox serving
// /metrics on :8080) is built as an OCI layout, pushed with skopeo into a local Docker registry
// (Debian's docker-registry), and the VM's Docker daemon pulls it through that registry as its
// configured Docker Hub mirror (runnerbot's provision.registryMirror).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HOST_FROM_GUEST } from '../../sim/qemu/host.ts';

const run = promisify(execFile);
const digest = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ociImage(dir: string): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'www'), { recursive: true });
  await run('cp', ['/bin/busybox', join(rootfs, 'bin/busybox')]);
  await writeFile(join(rootfs, 'www/metrics'), '# HELP container_last_seen stand-in\ncontainer_last_seen 1\n');
  await run('tar', ['-C', rootfs, '--owner=0', '--group=0', '-czf', join(dir, 'layer.tar.gz'), 'bin', 'www']);
  const layer = await readFile(join(dir, 'layer.tar.gz'));
  const diffId = digest(
    (await run('sh', ['-c', `gzip -dc '${join(dir, 'layer.tar.gz')}'`], { encoding: 'buffer', maxBuffer: 64 << 20 }))
      .stdout,
  );
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Entrypoint: ['/bin/busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(layer), size: layer.length }],
  });
  const oci = join(dir, 'oci');
  await mkdir(join(oci, 'blobs/sha256'), { recursive: true });
  for (const blob of [layer, Buffer.from(config), Buffer.from(manifest)])
    await writeFile(join(oci, 'blobs/sha256', digest(blob).slice(7)), blob);
  await writeFile(join(oci, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(oci, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digest(manifest),
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return oci;
}

export interface LocalRegistry {
  /** The mirror URL as the VM's Docker daemon reaches it. */
  mirrorUrl: string;
  close(): Promise<void>;
}

/** Starts the registry and pushes the stand-in as `image` (a Docker Hub name, e.g. cadvisor/cadvisor:v0.49.1). */
export async function startRegistry(image: string): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'rbt-registry-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const oci = await ociImage(dir);
  const name = image.includes('/') ? image : `library/${image}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await run('skopeo', [
        'copy',
        '--dest-tls-verify=false',
        `oci:${oci}:latest`,
        `docker://127.0.0.1:${port}/${name}`,
      ]);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    mirrorUrl: `http://${HOST_FROM_GUEST}:${port}`,
    async close() {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
