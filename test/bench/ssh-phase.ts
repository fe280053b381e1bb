// The SSH phase, measured three ways on fresh fake VMs (real sshd in a chroot, stand-in tools):
// - runnerbot: the real steps wait-ssh .. verify of a whole provision (one new VM per sample),
//   and a re-run (every SSH step's check on an already provisioned VM, a new connection);
// - raw: one OpenSSH `ssh … sh -s` doing the same remote work (cloud-init wait, upload of
//   script and env, the four phases, config.toml, restart, verify phase, the three metrics
//   probes), on a new VM for first-apply samples and again on it for re-run samples;
// - Ansible: one playbook doing the old role's 22 tasks on a new VM (support/ansible-baseline.ts).
// Every side uses the key exchange runnerbot's ssh2 negotiates (curve25519-sha256, ssh-ed25519,
// aes128-gcm), so none pays for a heavier handshake. Last line: one JSON object.
// Run: npm run bench -- ssh-phase
import { spawn } from 'node:child_process';
import { planFor, type StepName } from '../../src/core/plan.ts';
import {
  BOOTSTRAP_ENV_PATH,
  BOOTSTRAP_SCRIPT_PATH,
  METRICS_PORTS,
  bootstrapEnv,
  renderBootstrapEnv,
} from '../../src/core/bootstrap-env.ts';
import { renderConfigToml } from '../../src/core/config-toml.ts';
import { STEPS } from '../../src/app/steps/index.ts';
import type { RunRecord } from '../../src/core/run.ts';
import { readFile } from 'node:fs/promises';
import { requestProvision, runToEnd } from '../integration/provisioner/support/drive.ts';
import { startWorld, type World } from '../integration/provisioner/support/world.ts';
import { runAnsible } from './support/ansible-baseline.ts';

const FIRST_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const RERUN_SAMPLES = FIRST_SAMPLES;
const ANSIBLE_SAMPLES = Math.max(2, Math.ceil(FIRST_SAMPLES / 2));
const PLAN = planFor('provision');
const SSH_PHASE: StepName[] = PLAN.slice(PLAN.indexOf('wait-ssh'), PLAN.indexOf('verify') + 1);
export const SAME_KEX = [
  '-o',
  'KexAlgorithms=curve25519-sha256@libssh.org,curve25519-sha256',
  '-o',
  'HostKeyAlgorithms=ssh-ed25519',
  '-o',
  'Ciphers=aes128-gcm@openssh.com',
];
const EOF_MARK = 'RUNNERBOT_BENCH_EOF_7F3A';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A whole provision on a new VM; the time from wait-ssh starting to verify finishing. */
async function runnerbotFirst(world: World, name: string): Promise<{ ms: number; run: RunRecord }> {
  let startedAt = 0;
  let finishedAt = 0;
  const outcome = await runToEnd(world, await requestProvision(world, name), {
    onEvent: async (e) => {
      if (e.type === 'step-started' && e.step === 'wait-ssh') startedAt = performance.now();
      if (e.type === 'step-finished' && e.step === 'verify') finishedAt = performance.now();
    },
  });
  if (outcome.run.status !== 'succeeded' || outcome.attempts !== 1)
    throw new Error(
      `provision of ${name}: ${outcome.run.status} after ${outcome.attempts} attempt(s): ${outcome.error?.message ?? outcome.retried.join('; ')}`,
    );
  return { ms: finishedAt - startedAt, run: outcome.run };
}

/** The SSH steps again on a provisioned VM, as a resumed job runs them: check, apply only if needed. */
async function runnerbotRerun(world: World, run: RunRecord): Promise<number> {
  const memory = {} as Parameters<(typeof STEPS)['wait-ssh']['check']>[0]['memory'];
  const ctx = { run, deps: world.stepDeps, memory, signal: new AbortController().signal };
  const started = performance.now();
  try {
    for (const name of SSH_PHASE) {
      const step = STEPS[name];
      if (!(await step.check(ctx)).done) throw new Error(`re-run: ${name} was not already done`);
    }
    return performance.now() - started;
  } finally {
    await memory.session?.close();
  }
}

function installFile(path: string, content: string, mode: string): string {
  return [
    `t=$(mktemp); cat >"$t" <<'${EOF_MARK}'`,
    content.endsWith('\n') ? content.slice(0, -1) : content,
    EOF_MARK,
    `sudo -n sh -c 'mkdir -p "$(dirname "$2")"; cat "$1" >"$2.new"; chmod ${mode} "$2.new"; mv -f "$2.new" "$2"; rm -f "$1"' sh "$t" '${path}'`,
  ].join('\n');
}

/** What the runnerbot steps do on the VM, as one script. */
function rawScript(world: World, run: RunRecord, token: string): string {
  const { settings, bootstrapScript } = world.stepDeps;
  const phase = (p: string) => `sudo -n sh ${BOOTSTRAP_SCRIPT_PATH} ${p} ${BOOTSTRAP_ENV_PATH} apply`;
  const config = renderConfigToml({
    spec: run.spec,
    gitlabUrl: settings.gitlabUrl,
    runnerId: run.outputs.runnerId ?? 0,
    token,
    tokenObtainedAt: Date.now(),
    tokenExpiresAt: null,
  });
  return [
    'set -e',
    'umask 077',
    'cloud-init status --wait >/dev/null',
    installFile(BOOTSTRAP_SCRIPT_PATH, bootstrapScript, '600'),
    installFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(settings), '600'),
    ...['docker', 'runner', 'firewall', 'monitoring'].map(phase),
    'current=$(sudo -n cat /etc/gitlab-runner/config.toml 2>/dev/null || true)',
    `wanted=$(cat <<'${EOF_MARK}'`,
    config.trimEnd(),
    EOF_MARK,
    ')',
    'if [ "$current" != "$wanted" ]; then',
    installFile('/etc/gitlab-runner/config.toml', config, '600'),
    'sudo -n systemctl restart gitlab-runner',
    'fi',
    phase('verify'),
    '',
  ].join('\n');
}

async function probeMetrics(ip: string): Promise<void> {
  await Promise.all(
    METRICS_PORTS.map(async (port) => {
      const res = await fetch(`http://${ip}:${port}/metrics`);
      await res.body?.cancel();
      if (!res.ok) throw new Error(`:${port} answered ${res.status}`);
    }),
  );
}

async function rawSsh(world: World, ip: string, script: string): Promise<number> {
  const { ssh } = world.loaded.config;
  const args = [
    '-i',
    ssh.keyPath,
    '-p',
    String(ssh.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    ...SAME_KEX,
    `${ssh.user}@${ip}`,
    'sh',
    '-s',
  ];
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && /phase=verify result=ok/.test(out)
        ? resolve()
        : reject(new Error(`raw ssh exited ${code}: ${out.slice(-400)}`)),
    );
    child.stdin.end(script);
  });
  await probeMetrics(ip);
  return performance.now() - started;
}

let nextVmid = 7000;
/** A new fake VM straight from the farm (no Proxmox steps): for the raw and Ansible samples. */
async function freshVm(world: World): Promise<{ ip: string; vmid: number }> {
  const vmid = nextVmid++;
  const { ssh } = world.loaded.config;
  const sshPublicKey = (await readFile(`${ssh.keyPath}.pub`, 'utf8')).trim();
  const { ip } = await world.farm.boot({ vmid, name: `gitlab-runner-raw-${vmid}`, ciuser: ssh.user, sshPublicKey });
  return { ip, vmid };
}

export async function run(): Promise<void> {
  const world = await startWorld({
    proxmox: { timing: { taskMs: 2, cloneTaskMs: 2, agentBootMs: 2, dockerAfterMs: 2 } },
    pollMs: 5,
  });
  const ours = { first: [] as number[], rerun: [] as number[] };
  const raw = { first: [] as number[], rerun: [] as number[] };
  const ansible: number[] = [];
  try {
    const warm = await runnerbotFirst(world, 'gitlab-runner-sshwarm');
    // The baselines' VMs share one GitLab runner of their own, so `gitlab-runner verify` passes there too.
    const { token } = await world.stepDeps.registry.createRunner({
      description: 'gitlab-runner-baselines',
      tagList: ['docker'],
      runUntagged: false,
      locked: true,
    });
    const script = rawScript(world, warm.run, token);
    await rawSsh(world, (await freshVm(world)).ip, script);
    for (let i = 0; i < FIRST_SAMPLES; i++) {
      const mine = await runnerbotFirst(world, `gitlab-runner-ssh-${i}`);
      ours.first.push(mine.ms);
      const vm = await freshVm(world);
      raw.first.push(await rawSsh(world, vm.ip, script));
      ours.rerun.push(await runnerbotRerun(world, mine.run));
      raw.rerun.push(await rawSsh(world, vm.ip, script));
    }
    const env = bootstrapEnv(world.stepDeps.settings);
    const configToml = renderConfigToml({
      spec: warm.run.spec,
      gitlabUrl: world.stepDeps.settings.gitlabUrl,
      runnerId: warm.run.outputs.runnerId ?? 0,
      token,
      tokenObtainedAt: Date.now(),
      tokenExpiresAt: null,
    });
    const { ssh } = world.loaded.config;
    for (let i = 0; i <= ANSIBLE_SAMPLES; i++) {
      const ms = await runAnsible({
        ip: (await freshVm(world)).ip,
        port: ssh.port,
        user: ssh.user,
        keyPath: ssh.keyPath,
        env,
        configToml,
        sshOptions: SAME_KEX,
      });
      if (i > 0) ansible.push(ms);
    }
  } finally {
    await world.close();
  }
  const m = {
    oursFirst: median(ours.first),
    oursRerun: median(ours.rerun),
    rawFirst: median(raw.first),
    rawRerun: median(raw.rerun),
    ansible: median(ansible),
  };
  console.log(
    `ssh phase, medians in ms (${FIRST_SAMPLES} first-apply samples on new VMs, ${RERUN_SAMPLES} re-runs, ${ANSIBLE_SAMPLES} Ansible runs after 1 warm-up)`,
  );
  console.log(
    `  first apply: runnerbot ${m.oursFirst.toFixed(0)}   raw ssh ${m.rawFirst.toFixed(0)}   Ansible (22 raw tasks) ${m.ansible.toFixed(0)}`,
  );
  console.log(`  re-run:      runnerbot ${m.oursRerun.toFixed(0)}   raw ssh ${m.rawRerun.toFixed(0)}`);
  console.log(`  goals: Ansible/runnerbot >= 15, runnerbot/raw <= 1.5 first, <= 1.3 re-run`);
  console.log(
    JSON.stringify({
      bench: 'ssh-phase',
      vs_ansible_first: round(m.ansible / m.oursFirst),
      vs_raw_first: round(m.oursFirst / m.rawFirst),
      vs_raw_rerun: round(m.oursRerun / m.rawRerun),
      ms: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])),
    }),
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
