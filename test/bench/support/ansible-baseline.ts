// The Ansible baseline of the SSH phase: one playbook doing the old role's 22 tasks (wait for
// cloud-init; Docker key, source, update, install, daemon.json, enable; gitlab-runner key,
// source, install; config.toml from a template; ufw install, default deny, SSH rule, three
// metrics rules, enable; node_exporter install and enable; cAdvisor run; verify) against a fake
// VM. Every task is `raw` because the fake VM has no Python: the role's apt/copy/template/ufw
// modules would also ship and run Python per task, so this baseline is, if anything, fast.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS_PORTS } from '../../../src/core/bootstrap-env.ts';

export interface AnsibleTarget {
  ip: string;
  port: number;
  user: string;
  keyPath: string;
  /** bootstrapEnv(settings): the same repositories, packages and networks bootstrap.sh uses. */
  env: Record<string, string>;
  configToml: string;
  /** `-o` options both baselines and runnerbot share (key exchange, host key, cipher). */
  sshOptions: string[];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function tasks(t: AnsibleTarget): [string, string][] {
  const e = t.env;
  const net = (e.MANAGEMENT_NETWORKS ?? '').split(' ')[0]!;
  const prom = (e.PROMETHEUS_NETWORKS ?? '').split(' ')[0]!;
  const put = (path: string, content: string, mode = '0644') =>
    `printf '%s\\n' ${q(content)} | sudo -n tee ${path} >/dev/null && sudo -n chmod ${mode} ${path}`;
  return [
    ['wait for cloud-init', 'cloud-init status --wait'],
    [
      'docker apt key',
      `sudo -n mkdir -p /etc/apt/keyrings && sudo -n curl -fsSL -o /etc/apt/keyrings/docker.asc ${q(e.DOCKER_APT_KEY_URL!)}`,
    ],
    [
      'docker apt source',
      put(
        '/etc/apt/sources.list.d/docker.list',
        `deb [signed-by=/etc/apt/keyrings/docker.asc] ${e.DOCKER_APT_REPO} bookworm stable`,
      ),
    ],
    ['apt update', 'sudo -n apt-get -y -q update'],
    ['docker packages', 'sudo -n apt-get -y -q install --no-install-recommends docker-ce docker-ce-cli containerd.io'],
    [
      'docker daemon.json',
      `sudo -n mkdir -p /etc/docker && ${put('/etc/docker/daemon.json', '{"log-driver":"json-file","log-opts":{"max-size":"10m"}}')}`,
    ],
    ['docker enabled and started', 'sudo -n systemctl enable docker && sudo -n systemctl start docker'],
    ['gitlab-runner apt key', `sudo -n curl -fsSL -o /etc/apt/keyrings/gitlab-runner.asc ${q(e.RUNNER_APT_KEY_URL!)}`],
    [
      'gitlab-runner apt source',
      put(
        '/etc/apt/sources.list.d/gitlab-runner.list',
        `deb [signed-by=/etc/apt/keyrings/gitlab-runner.asc] ${e.RUNNER_APT_REPO} bookworm main`,
      ),
    ],
    [
      'gitlab-runner package',
      'sudo -n apt-get -y -q update && sudo -n apt-get -y -q install --no-install-recommends gitlab-runner',
    ],
    [
      'config.toml from template',
      `sudo -n install -d -m 0700 /etc/gitlab-runner && ${put('/etc/gitlab-runner/config.toml', t.configToml.trimEnd(), '0600')} && sudo -n systemctl restart gitlab-runner`,
    ],
    ['ufw package', 'sudo -n apt-get -y -q install --no-install-recommends ufw'],
    ['ufw default deny', 'sudo -n ufw default deny incoming'],
    ['ufw ssh rule', `sudo -n ufw allow from ${net} to any port ${e.SSH_PORT} proto tcp`],
    ...METRICS_PORTS.map((port): [string, string] => [
      `ufw metrics rule ${port}`,
      `sudo -n ufw allow from ${prom} to any port ${port} proto tcp`,
    ]),
    ['ufw enabled', 'sudo -n ufw --force enable'],
    ['node_exporter package', `sudo -n apt-get -y -q install --no-install-recommends ${e.NODE_EXPORTER_PACKAGE}`],
    [
      'node_exporter enabled and started',
      `sudo -n systemctl enable ${e.NODE_EXPORTER_PACKAGE} && sudo -n systemctl start ${e.NODE_EXPORTER_PACKAGE}`,
    ],
    [
      'cadvisor container',
      `sudo -n docker run --detach --name=cadvisor --restart=unless-stopped --network=host ${e.CADVISOR_IMAGE}`,
    ],
    ['verify', 'sudo -n gitlab-runner verify'],
  ];
}

export const ANSIBLE_TASKS = 22;

function playbook(t: AnsibleTarget): string {
  const list = tasks(t);
  if (list.length !== ANSIBLE_TASKS) throw new Error(`the playbook has ${list.length} tasks, not ${ANSIBLE_TASKS}`);
  const body = list
    .map(([name, cmd]) => `    - name: ${JSON.stringify(name)}\n      raw: ${JSON.stringify(cmd)}`)
    .join('\n');
  return `- hosts: vm\n  gather_facts: false\n  tasks:\n${body}\n`;
}

/** Runs the playbook once; resolves with its wall time in ms (process start to exit). */
export async function runAnsible(t: AnsibleTarget): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'runnerbot-ansible-'));
  try {
    await writeFile(join(dir, 'play.yml'), playbook(t));
    await writeFile(
      join(dir, 'hosts'),
      `vm ansible_host=${t.ip} ansible_port=${t.port} ansible_user=${t.user} ansible_ssh_private_key_file=${t.keyPath}\n`,
    );
    await writeFile(
      join(dir, 'ansible.cfg'),
      [
        '[defaults]',
        'host_key_checking = False',
        'interpreter_python = auto_silent',
        'stdout_callback = default',
        'retry_files_enabled = False',
        '[ssh_connection]',
        `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null ${t.sshOptions.join(' ')}`,
        `control_path_dir = ${dir}/cp`,
        'control_path = %(directory)s/%%C',
        'pipelining = True',
        '',
      ].join('\n'),
    );
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ansible-playbook', ['-i', join(dir, 'hosts'), join(dir, 'play.yml')], {
        cwd: dir,
        env: { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_LOCAL_TEMP: join(dir, 'tmp') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`ansible-playbook exited ${code}: ${out.slice(-800)}`)),
      );
    });
    const ms = performance.now() - started;
    // The control master outlives the playbook (ControlPersist); end it so the next sample starts cold.
    spawn('ssh', ['-o', `ControlPath=${dir}/cp/%C`, '-O', 'exit', `${t.user}@${t.ip}`, '-p', String(t.port)], {
      stdio: 'ignore',
    });
    return ms;
  } finally {
    await new Promise((r) => setTimeout(r, 100));
    await rm(dir, { recursive: true, force: true });
  }
}
