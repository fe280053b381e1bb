// The fake runner VMs, driven with node-ssh as any client would: a real sshd that takes only the
// configured key, SFTP, stand-ins whose effects persist, metrics agents, halt/boot/destroy.
import { stat } from 'node:fs/promises';
import { NodeSSH } from 'node-ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitlabSim, type GitlabSim } from '../gitlab/index.ts';
import { createVmFarm, generateSshKeyPair, type SshKeyPair, type VmFarm } from './index.ts';

const PORT = 2222;
let farm: VmFarm;
let key: SshKeyPair;
let ip: string;
const open: NodeSSH[] = [];

async function login(privateKey = key.privateKey, username = 'runnerbot', host = ip): Promise<NodeSSH> {
  const ssh = new NodeSSH();
  open.push(ssh);
  await ssh.connect({ host, port: PORT, username, privateKey, readyTimeout: 5000 });
  ssh.connection?.on('error', () => undefined); // a halted VM resets the connection
  return ssh;
}

async function sh(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const ssh = await login();
  try {
    return await ssh.execCommand(command);
  } finally {
    ssh.dispose();
  }
}

beforeAll(async () => {
  farm = await createVmFarm({ sshPort: PORT });
  key = await generateSshKeyPair();
  ({ ip } = await farm.boot({ vmid: 101, name: 'gitlab-runner-01', ciuser: 'runnerbot', sshPublicKey: key.publicKey }));
});

afterAll(async () => {
  open.forEach((s) => s.dispose());
  await farm?.close();
});

describe('a booted VM', () => {
  it('answers on its own loopback address as the configured user, inside its chroot', async () => {
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(ip).not.toBe('127.0.0.1');
    const out = await sh('id -un; cat /etc/hostname; ls /home');
    expect(out.stdout.split('\n')).toEqual(['runnerbot', 'gitlab-runner-01', 'runnerbot']);
    expect(farm.list()).toEqual([expect.objectContaining({ vmid: 101, ip, ciuser: 'runnerbot', running: true })]);
  });

  it('refuses any other key, and root', async () => {
    const other = await generateSshKeyPair();
    await expect(login(other.privateKey)).rejects.toThrow(/authentication methods failed/);
    await expect(login(key.privateKey, 'root')).rejects.toThrow(/authentication methods failed/);
    expect(await farm.readFile(101, '/home/runnerbot/.ssh/authorized_keys')).toBe(`${key.publicKey}\n`);
  });

  it('takes SFTP uploads', async () => {
    const ssh = await login();
    const sftp = await ssh.requestSFTP();
    await new Promise<void>((resolve, reject) =>
      sftp.writeFile('/tmp/upload.txt', 'line "one"\n$(two)\n', (e: unknown) => (e ? reject(e) : resolve())),
    );
    sftp.end();
    ssh.dispose();
    expect(await farm.readFile(101, '/tmp/upload.txt')).toBe('line "one"\n$(two)\n');
  });
});

describe('the stand-ins', () => {
  it('keep installed packages, started services, firewall rules and containers across connections', async () => {
    const first = await sh(
      [
        'sudo apt-get install -y docker-ce ufw',
        'sudo systemctl enable --now docker',
        'sudo ufw allow from 10.1.0.0/16 to any port 22 proto tcp',
        'sudo ufw default deny incoming',
        'sudo ufw --force enable',
        'sudo docker run --detach --name=web --network=host nginx:1.27',
      ].join(' && '),
    );
    expect(first.code).toBe(0);

    const later = await sh(
      "dpkg-query -W -f='${Status}\\n' docker-ce; systemctl is-active docker; systemctl is-active gitlab-runner; /usr/sbin/ufw status verbose; docker ps; /usr/sbin/ufw show added",
    );
    expect(later.stdout).toContain('install ok installed\nactive\ninactive\n');
    expect(later.stdout).toContain('Status: active');
    expect(later.stdout).toContain('Default: deny (incoming), allow (outgoing), disabled (routed)');
    expect(later.stdout).toMatch(/^22\/tcp +ALLOW IN +10\.1\.0\.0\/16$/m);
    expect(later.stdout).toMatch(/^simweb\tnginx:1\.27\tUp\tweb$/m);
    expect(later.stdout).toContain('ufw allow from 10.1.0.0/16 to any port 22 proto tcp');
  });

  it('fail like the real tools when used wrongly', async () => {
    expect((await sh('systemctl start nosuchthing')).stderr).toContain('Unit nosuchthing.service not found');
    expect((await sh("sudo apt-get install -y 'no/such'")).code).toBe(100);
    expect((await sh("dpkg-query -W -f='${Status}' gitlab-runner")).code).toBe(1);
  });

  it('record every call with its arguments exactly', async () => {
    await sh("sudo docker pull 'tab\there' \"line\nbreak\" '100%'");
    const calls = await farm.calls(101);
    expect(calls).toContainEqual({ cmd: 'docker', args: ['pull', 'tab\there', 'line\nbreak', '100%'] });
    expect(calls).toContainEqual({ cmd: 'sudo', args: ['docker', 'pull', 'tab\there', 'line\nbreak', '100%'] });
  });

  it('report cloud-init done, waiting while it runs', async () => {
    await farm.writeFile(101, '/var/lib/sim/cloud-init-status', 'running');
    const ssh = await login();
    let settled = false;
    const waiting = ssh.execCommand('cloud-init status --wait').finally(() => (settled = true));
    while (!(await farm.calls(101)).some((c) => c.cmd === 'cloud-init' && c.args.includes('--wait')))
      await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    await farm.removeFile(101, '/var/lib/sim/cloud-init-status');
    expect((await waiting).stdout).toBe('status: done');
    ssh.dispose();
  });
});

describe('gitlab-runner verify', () => {
  let gitlab: GitlabSim;
  beforeAll(async () => {
    gitlab = await startGitlabSim();
  });
  afterAll(() => gitlab?.close());

  async function createRunner(): Promise<string> {
    const res = await fetch(`${gitlab.url}/api/v4/user/runners`, {
      method: 'POST',
      headers: { 'private-token': gitlab.token, 'content-type': 'application/json' },
      body: JSON.stringify({ runner_type: 'instance_type', description: 'gitlab-runner-01' }),
    });
    return ((await res.json()) as { token: string }).token;
  }
  const config = (token: string) =>
    `concurrent = 1\n[[runners]]\n  name = "gitlab-runner-01"\n  url = "${gitlab.url}"\n  token = "${token}"\n`;

  it('accepts the token GitLab issued and refuses another', async () => {
    const token = await createRunner();
    await sh('mkdir -p /etc/gitlab-runner');
    await farm.writeFile(101, '/etc/gitlab-runner/config.toml', config(token));
    const valid = await sh('sudo gitlab-runner verify');
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('is valid');
    expect(gitlab.runners()[0]?.contactedAt).toBeDefined();

    await farm.writeFile(101, '/etc/gitlab-runner/config.toml', config('glrt-not-issued'));
    const invalid = await sh('sudo gitlab-runner verify');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('is removed');
    expect(JSON.stringify(await farm.calls(101))).not.toContain('glrt-');
  });
});

describe('metrics agents', () => {
  const scrape = (port: number) =>
    fetch(`http://${ip}:${port}/metrics`).then(
      (r) => r.status,
      () => 'refused',
    );

  it('answer on the VM address exactly while the stand-ins run them', async () => {
    expect(await scrape(9100)).toBe('refused');
    await sh('sudo apt-get install -y prometheus-node-exporter && sudo systemctl start prometheus-node-exporter');
    expect(await farm.metricsPorts(101)).toContain(9100);
    expect(await scrape(9100)).toBe(200);
    await sh('sudo systemctl stop prometheus-node-exporter');
    expect(await farm.metricsPorts(101)).not.toContain(9100);
    expect(await scrape(9100)).toBe('refused');
  });
});

describe('halt, boot and destroy', () => {
  it('stops sshd on halt, keeps the disk for the next boot, and removes it on destroy', async () => {
    const vm = await farm.boot({ vmid: 202, name: 'gitlab-runner-02', ciuser: 'debian', sshPublicKey: key.publicKey });
    const ssh = await login(key.privateKey, 'debian', vm.ip);
    await ssh.execCommand('sudo apt-get install -y gitlab-runner');
    const busy = ssh.execCommand('sleep 30; echo finished').then(
      (r) => r.stdout,
      (e: Error) => e.message,
    );
    await farm.halt(202);
    expect(farm.vm(202).running).toBe(false);
    expect(await busy).not.toContain('finished');
    await expect(login(key.privateKey, 'debian', vm.ip)).rejects.toThrow(/ECONNREFUSED/);

    const again = await farm.boot({
      vmid: 202,
      name: 'gitlab-runner-02',
      ciuser: 'debian',
      sshPublicKey: key.publicKey,
    });
    expect(again.ip).toBe(vm.ip);
    const back = await login(key.privateKey, 'debian', vm.ip);
    expect((await back.execCommand("dpkg-query -W -f='${Status}' gitlab-runner")).stdout).toBe('install ok installed');
    back.dispose();

    const root = farm.vm(202).root;
    await farm.destroy(202);
    await expect(stat(root)).rejects.toThrow(/ENOENT/);
    expect(farm.list().map((v) => v.vmid)).toEqual([101]);
  });
});
