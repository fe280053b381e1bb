// A known-hosts file runnerbot cannot write is a problem of the runnerbot host: the SSH adapter
// says so at once, instead of retrying as if the VM were unreachable.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerbotError } from '../../../src/core/errors.ts';
import { createSshShell } from '../../../src/provisioner/ssh.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from '../../../sim/vm/index.ts';

const PORT = 2222;
let farm: VmFarm;
let key: SshKeyPair;
let ip: string;
let dir: string;

beforeAll(async () => {
  farm = await createVmFarm({ sshPort: PORT });
  key = await generateSshKeyPair();
  dir = await mkdtemp(join(tmpdir(), 'runnerbot-ssh-local-'));
  ({ ip } = await farm.boot({ vmid: 351, name: 'gitlab-runner-35', ciuser: 'runnerbot', sshPublicKey: key.publicKey }));
});

afterAll(async () => {
  await farm?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a known-hosts file that cannot be written', () => {
  it('fails at once with LOCAL.FILE_ACCESS naming the file, not SSH.UNREACHABLE after the timeout', async () => {
    await writeFile(join(dir, 'not-a-directory'), '');
    const knownHostsFile = join(dir, 'not-a-directory', 'known_hosts');
    const shell = createSshShell({
      user: 'runnerbot',
      port: PORT,
      privateKey: key.privateKey,
      knownHosts: 'accept-new',
      knownHostsFile,
      retryDelayMs: 50,
    });
    const error = await shell.connect(ip, 60_000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunnerbotError);
    expect(error).toMatchObject({ code: 'LOCAL.FILE_ACCESS', transient: false });
    expect((error as Error).message).toBe(
      `cannot write the known-hosts file ${knownHostsFile} (EEXIST): a problem on this runnerbot host, not the network; runnerbot config check --for worker names the fix`,
    );
  });
});
