// The SSH phase per step: the bootstrap phases through runnerbot's RemoteShell (one connection,
// one upload of script and env, one exec per phase, as the bootstrap steps do) against the
// baseline of one raw OpenSSH `ssh -i key user@ip sh -s < script` that uploads the same files and
// runs the same phases in one script over one connection. Both run in the same process against
// the same fake VM (real sshd, already provisioned, so every phase does its idempotent checks),
// alternating, after a warm-up. Prints per-step medians and the ratio (target ≤ 2× raw).
// Run: npm run bench, or alone: node --import tsx test/bench/ssh-phase.ts
import { spawn } from 'node:child_process';
import type { BootstrapPhase } from '../../src/app/steps/remote-steps.ts';
import { parsePhaseResult } from '../../src/app/steps/remote-steps.ts';
import { BOOTSTRAP_ENV_PATH, BOOTSTRAP_SCRIPT_PATH, renderBootstrapEnv } from '../../src/core/bootstrap-env.ts';
import { shellCommand } from '../../src/core/shell-quote.ts';
import { requestProvision, runToEnd } from '../integration/provisioner/support/drive.ts';
import { startWorld, type World } from '../integration/provisioner/support/world.ts';

const PHASES: BootstrapPhase[] = ['docker', 'runner', 'firewall', 'monitoring'];
const ROUNDS = 10;
const WARMUP = 2;
const EOF_MARK = 'RUNNERBOT_BENCH_EOF_7F3A';

type Times = Record<string, number>;

function expectResult(phase: string, stdout: string): void {
  const parsed = parsePhaseResult(phase, stdout);
  if (!parsed || !['applied', 'unchanged'].includes(parsed.result)) throw new Error(`phase ${phase} did not succeed: ${stdout.slice(-300)}`);
}

async function throughRunnerbot(world: World, ip: string): Promise<Times> {
  const { remote, settings, bootstrapScript } = world.stepDeps;
  const times: Times = {};
  const started = performance.now();
  let mark = started;
  const lap = (name: string) => {
    const now = performance.now();
    times[name] = now - mark;
    mark = now;
  };
  const session = await remote.connect(ip, settings.timeouts.sshMs);
  lap('connect');
  try {
    await session.writeFile(BOOTSTRAP_SCRIPT_PATH, bootstrapScript, 0o600);
    await session.writeFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(settings), 0o600);
    lap('upload');
    for (const phase of PHASES) {
      const out = await session.exec(shellCommand(['sudo', '-n', 'sh', BOOTSTRAP_SCRIPT_PATH, phase, BOOTSTRAP_ENV_PATH, 'apply']), { timeoutMs: settings.timeouts.phaseMs });
      expectResult(phase, out.stdout);
      lap(phase);
    }
  } finally {
    await session.close();
  }
  times.total = performance.now() - started;
  return times;
}

function installFile(path: string, content: string): string {
  return [
    `t=$(mktemp); cat >"$t" <<'${EOF_MARK}'`,
    content.endsWith('\n') ? content.slice(0, -1) : content,
    EOF_MARK,
    `sudo -n sh -c 'mkdir -p "$(dirname "$2")"; cat "$1" >"$2.new"; chmod 600 "$2.new"; mv -f "$2.new" "$2"; rm -f "$1"' sh "$t" '${path}'`,
  ].join('\n');
}

/** The same work as one shell script; `date` marks give the VM-side time of each part. */
function rawScript(world: World): string {
  const { settings, bootstrapScript } = world.stepDeps;
  const phases = PHASES.map((p) => `sudo -n sh ${BOOTSTRAP_SCRIPT_PATH} ${p} ${BOOTSTRAP_ENV_PATH} apply; echo "MARK ${p} $(date +%s%N)"`);
  return ['umask 077', 'echo "MARK start $(date +%s%N)"', installFile(BOOTSTRAP_SCRIPT_PATH, bootstrapScript), installFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(settings)), 'echo "MARK upload $(date +%s%N)"', ...phases, ''].join('\n');
}

function rawSsh(world: World, ip: string, script: string): Promise<Times> {
  const { ssh } = world.loaded.config;
  const args = ['-i', ssh.keyPath, '-p', String(ssh.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${ssh.user}@${ip}`, 'sh', '-s'];
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const started = performance.now();
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const total = performance.now() - started;
      if (code !== 0) return reject(new Error(`raw ssh exited ${code}: ${stderr.slice(-300)}`));
      PHASES.forEach((p) => expectResult(p, stdout));
      const marks = new Map([...stdout.matchAll(/^MARK (\S+) (\d+)$/gm)].map((m) => [m[1]!, Number(BigInt(m[2]!) / 1000n) / 1000]));
      const times: Times = { connect: marks.get('start')! - startedAt, upload: marks.get('upload')! - marks.get('start')! };
      let last = marks.get('upload')!;
      for (const p of PHASES) {
        times[p] = marks.get(p)! - last;
        last = marks.get(p)!;
      }
      times.total = total;
      resolve(times);
    });
    child.stdin.end(script);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  const world = await startWorld({ proxmox: { timing: { taskMs: 2, cloneTaskMs: 2, agentBootMs: 2, dockerAfterMs: 2 } }, pollMs: 5 });
  const ours: Times[] = [];
  const raw: Times[] = [];
  try {
    const provision = await runToEnd(world, await requestProvision(world, 'gitlab-runner-sshbench'));
    const ip = provision.run.outputs.ip;
    if (provision.run.status !== 'succeeded' || !ip) throw new Error(`the bench VM was not provisioned: ${provision.error?.message}`);
    const script = rawScript(world);
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const measured: { ours?: Times; raw?: Times } = {};
      for (const who of i % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const)) {
        measured[who] = who === 'ours' ? await throughRunnerbot(world, ip) : await rawSsh(world, ip, script);
      }
      if (i < WARMUP) continue;
      ours.push(measured.ours!);
      raw.push(measured.raw!);
    }
  } finally {
    await world.close();
  }
  console.log(`ssh phase: ${ROUNDS} rounds (after ${WARMUP} warm-up) on one provisioned fake VM, medians in ms`);
  console.log(`${'step'.padEnd(12)}${'runnerbot'.padStart(11)}${'raw ssh'.padStart(11)}`);
  for (const step of ['connect', 'upload', ...PHASES, 'total']) {
    console.log(`${step.padEnd(12)}${median(ours.map((t) => t[step]!)).toFixed(1).padStart(11)}${median(raw.map((t) => t[step]!)).toFixed(1).padStart(11)}`);
  }
  const ratio = median(ours.map((t) => t.total!)) / median(raw.map((t) => t.total!));
  console.log(`ratio runnerbot / raw ssh: ${ratio.toFixed(2)}× (target ≤ 2×): ${ratio <= 2 ? 'met' : 'MISSED'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
