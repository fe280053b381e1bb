// The steps that work on the VM over SSH: wait for it, run the bootstrap phases, write
// config.toml, verify. One session per job attempt lives in ctx.memory; a step resumed in a new
// process connects again. The runner token only ever travels from memory to the VM's file.
import {
  BOOTSTRAP_ENV_PATH,
  BOOTSTRAP_SCRIPT_PATH,
  METRICS_PORTS,
  renderBootstrapEnv,
} from '../../core/bootstrap-env.ts';
import { renderConfigToml, tokenTimesOf, withoutToken } from '../../core/config-toml.ts';
import { hasCode, permanent, transient } from '../../core/errors.ts';
import { pollDelay } from '../../core/poll-backoff.ts';
import type { ExecResult, RemoteSession } from '../../core/ports.ts';
import type { RunOutputs } from '../../core/run.ts';
import { shellCommand } from '../../core/shell-quote.ts';
import { isRunnerOnline, runnerToken } from './runner-steps.ts';
import type { Step, StepContext } from './step.ts';

export const RUNNER_CONFIG_PATH = '/etc/gitlab-runner/config.toml';
const SUDO = ['sudo', '-n'];

export type BootstrapPhase = 'docker' | 'runner' | 'firewall' | 'monitoring';
export type PhaseResult = 'applied' | 'unchanged' | 'pending' | 'ok' | 'failed';

/** The one `RUNNERBOT phase=… result=… detail=…` line a bootstrap.sh phase prints. */
export function parsePhaseResult(phase: string, stdout: string): { result: PhaseResult; detail: string } | null {
  const lines = stdout.split('\n').filter((l) => l.startsWith(`RUNNERBOT phase=${phase} `));
  const match = /^RUNNERBOT phase=\S+ result=(applied|unchanged|pending|ok|failed) detail=(.*)$/.exec(
    lines.at(-1) ?? '',
  );
  return match ? { result: match[1] as PhaseResult, detail: match[2] ?? '' } : null;
}

const uploaded = new WeakSet<RemoteSession>();

async function session(ctx: StepContext): Promise<RemoteSession> {
  if (ctx.memory.session) return ctx.memory.session;
  const ip = ctx.run.outputs.ip;
  if (!ip) throw permanent('STEP.UNRECOVERABLE', 'the VM has no known IP address yet (wait-ip did not run)');
  ctx.memory.session = await ctx.deps.remote.connect(ip, ctx.deps.settings.timeouts.sshMs, ctx.signal);
  return ctx.memory.session;
}

/** Runs `work` on the job's session; a lost connection is dropped so the retry reconnects. */
export async function onVm<T>(ctx: StepContext, work: (s: RemoteSession) => Promise<T>): Promise<T> {
  const s = await session(ctx);
  try {
    return await work(s);
  } catch (e) {
    if (hasCode(e, 'SSH.UNREACHABLE')) {
      ctx.memory.session = undefined;
      await s.close().catch(() => undefined);
    }
    throw e;
  }
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)?.slice(0, 200) ?? '';

async function runPhase(ctx: StepContext, s: RemoteSession, phase: BootstrapPhase | 'verify', mode: 'apply' | 'check') {
  if (!uploaded.has(s)) {
    // Two channels of one connection at once: one round trip's wait instead of two.
    await Promise.all([
      s.writeFile(BOOTSTRAP_SCRIPT_PATH, ctx.deps.bootstrapScript, 0o600),
      s.writeFile(BOOTSTRAP_ENV_PATH, renderBootstrapEnv(ctx.deps.settings), 0o600),
    ]);
    uploaded.add(s);
  }
  const command = shellCommand([...SUDO, 'sh', BOOTSTRAP_SCRIPT_PATH, phase, BOOTSTRAP_ENV_PATH, mode]);
  const out: ExecResult = await s.exec(command, { timeoutMs: ctx.deps.settings.timeouts.phaseMs });
  const parsed = parsePhaseResult(phase, out.stdout);
  if (!parsed)
    throw transient(
      'REMOTE.PHASE_FAILED',
      `bootstrap phase ${phase} ended without a result (exit ${out.code}): ${lastLine(out.stderr)}`,
    );
  return parsed;
}

function bootstrapStep(phase: BootstrapPhase): Step {
  const outputs = (ctx: StepContext, result: string) => ({ phases: { ...ctx.run.outputs.phases, [phase]: result } });
  return {
    name: `bootstrap-${phase}`,
    async check(ctx) {
      const { result, detail } = await onVm(ctx, (s) => runPhase(ctx, s, phase, 'check'));
      if (result === 'failed') throw transient('REMOTE.PHASE_FAILED', `bootstrap phase ${phase} failed: ${detail}`);
      return result === 'unchanged' ? { done: true, outputs: outputs(ctx, 'unchanged') } : { done: false };
    },
    async apply(ctx) {
      const { result, detail } = await onVm(ctx, (s) => runPhase(ctx, s, phase, 'apply'));
      if (result !== 'applied' && result !== 'unchanged')
        throw transient('REMOTE.PHASE_FAILED', `bootstrap phase ${phase} failed: ${detail}`);
      return outputs(ctx, result);
    },
  };
}

export const waitSsh: Step = {
  name: 'wait-ssh',
  async check(ctx) {
    const out = await onVm(ctx, (s) => s.exec('cloud-init status', { timeoutMs: ctx.deps.settings.timeouts.sshMs }));
    return /status: done/.test(out.stdout) ? { done: true } : { done: false };
  },
  async apply(ctx) {
    const out = await onVm(ctx, (s) =>
      s.exec('cloud-init status --wait', { timeoutMs: ctx.deps.settings.timeouts.cloudInitMs }),
    );
    if (/status: done/.test(out.stdout)) return;
    if (/status: (error|disabled)/.test(out.stdout))
      throw permanent('REMOTE.PHASE_FAILED', `cloud-init did not finish cleanly: ${lastLine(out.stdout)}`);
    throw transient(
      'REMOTE.PHASE_FAILED',
      `cloud-init is not done: ${lastLine(out.stdout)} ${lastLine(out.stderr)}`.trim(),
    );
  },
};

function runnerId(ctx: StepContext): number {
  const id = ctx.run.outputs.runnerId;
  if (id === undefined)
    throw permanent('STEP.UNRECOVERABLE', 'no GitLab runner id recorded (create-runner did not run)');
  return id;
}

const renderFor = (ctx: StepContext, token: string) => {
  const times = ctx.memory.runnerTokenTimes ?? { obtainedAt: 0, expiresAt: null };
  return renderConfigToml({
    spec: ctx.run.spec,
    gitlabUrl: ctx.deps.settings.gitlabUrl,
    runnerId: runnerId(ctx),
    token,
    tokenObtainedAt: times.obtainedAt,
    tokenExpiresAt: times.expiresAt,
  });
};

/** `gitlab-runner verify` on the VM: GitLab accepts the token config.toml holds. */
export async function runnerVerifies(s: RemoteSession): Promise<boolean> {
  const out = await s.exec(shellCommand([...SUDO, 'gitlab-runner', 'verify']), { timeoutMs: 120_000 });
  return out.code === 0 && /is (valid|alive)/.test(`${out.stdout}\n${out.stderr}`);
}

export const writeConfig: Step = {
  name: 'write-config',
  async check(ctx) {
    runnerId(ctx);
    return onVm(ctx, async (s) => {
      const current = await s.readFile(RUNNER_CONFIG_PATH);
      if (current === null) return { done: false };
      if (ctx.memory.runnerToken !== undefined)
        return current === renderFor(ctx, ctx.memory.runnerToken)
          ? { done: true, outputs: tokenTimes(ctx) }
          : { done: false };
      // Resumed without the token: the file is right if all but the token matches and GitLab takes the token.
      if (withoutToken(current) !== withoutToken(renderFor(ctx, ''))) return { done: false };
      const times = tokenTimesOf(current);
      if (!(await runnerVerifies(s))) return { done: false };
      return {
        done: true,
        outputs: times ? { tokenObtainedAt: times.obtainedAt, tokenExpiresAt: times.expiresAt } : {},
      };
    });
  },
  async apply(ctx) {
    runnerId(ctx);
    const content = renderFor(ctx, await runnerToken(ctx));
    await onVm(ctx, async (s) => {
      if ((await s.readFile(RUNNER_CONFIG_PATH)) === content) return;
      await s.writeFile(RUNNER_CONFIG_PATH, content, 0o600);
      const restart = await s.exec(shellCommand([...SUDO, 'systemctl', 'restart', 'gitlab-runner']), {
        timeoutMs: ctx.deps.settings.timeouts.phaseMs,
      });
      if (restart.code !== 0)
        throw transient('REMOTE.PHASE_FAILED', `gitlab-runner did not restart: ${lastLine(restart.stderr)}`);
    });
    return tokenTimes(ctx);
  },
};

/** The times of the token this attempt holds, for the fleet's record (never the token). */
function tokenTimes(ctx: StepContext): Partial<RunOutputs> {
  const times = ctx.memory.runnerTokenTimes;
  return times ? { tokenObtainedAt: times.obtainedAt, tokenExpiresAt: times.expiresAt } : {};
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Everything that must hold for a working runner; an empty list means it works. */
async function problems(ctx: StepContext): Promise<string[]> {
  const found: string[] = [];
  const onHost = await onVm(ctx, (s) => runPhase(ctx, s, 'verify', 'apply'));
  if (onHost.result !== 'ok') found.push(`on the VM: ${onHost.detail}`);
  if (!(await isRunnerOnline(ctx.deps.registry, runnerId(ctx))))
    found.push(`runner ${runnerId(ctx)} is not online in GitLab`);
  const ip = ctx.run.outputs.ip ?? '';
  for (const port of METRICS_PORTS) {
    if (!(await answers(`http://${ip}:${port}/metrics`))) found.push(`:${port}/metrics does not answer`);
  }
  return found;
}

export const verify: Step = {
  name: 'verify',
  async check(ctx) {
    return { done: (await problems(ctx)).length === 0 };
  },
  async apply(ctx) {
    const deadline = ctx.deps.clock.now() + ctx.deps.settings.timeouts.phaseMs;
    for (let attempt = 0; ; attempt++) {
      const found = await problems(ctx);
      if (found.length === 0) return;
      const pause = pollDelay(attempt, ctx.deps.settings.pollMs);
      if (ctx.deps.clock.now() + pause > deadline || ctx.signal.aborted) {
        throw transient('REMOTE.PHASE_FAILED', `the runner does not work yet: ${found.join('; ')}`);
      }
      await ctx.deps.clock.sleep(pause, ctx.signal);
    }
  },
};

export const REMOTE_STEPS = {
  'wait-ssh': waitSsh,
  'bootstrap-docker': bootstrapStep('docker'),
  'bootstrap-runner': bootstrapStep('runner'),
  'bootstrap-firewall': bootstrapStep('firewall'),
  'bootstrap-monitoring': bootstrapStep('monitoring'),
  'write-config': writeConfig,
  verify,
} satisfies Record<string, Step>;
