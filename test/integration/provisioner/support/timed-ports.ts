// Instrumentation for benchmarks: the same adapters, each call timed. `waitedMs` is the wall time
// during which at least one call to a simulator (Proxmox, GitLab, the fake VM over SSH) or a
// poll sleep was in progress — overlapping calls count once — so total minus waited is the time
// runnerbot spent on its own work (its logic, Redis, progress reports).
import type { StepDeps } from '../../../../src/app/steps/step.ts';
import type { RemoteSession } from '../../../../src/core/ports.ts';

export class WaitMeter {
  private active = 0;
  private since = 0;
  private total = 0;

  get waitedMs(): number {
    return this.total + (this.active > 0 ? performance.now() - this.since : 0);
  }

  reset(): void {
    this.total = 0;
    if (this.active > 0) this.since = performance.now();
  }

  async time<T>(work: () => Promise<T>): Promise<T> {
    if (this.active++ === 0) this.since = performance.now();
    try {
      return await work();
    } finally {
      if (--this.active === 0) this.total += performance.now() - this.since;
    }
  }
}

type Methods<T> = { [K in keyof T]: T[K] };

/** Every function-valued property of an adapter, timed by `meter`. */
function timed<T extends object>(port: T, meter: WaitMeter): Methods<T> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(port)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => meter.time(() => (value as (...a: unknown[]) => Promise<unknown>).apply(port, args))
        : value;
  }
  return wrapped as Methods<T>;
}

const timedSession = (s: RemoteSession, meter: WaitMeter): RemoteSession => ({
  exec: (command, options) => meter.time(() => s.exec(command, options)),
  writeFile: (path, content, mode) => meter.time(() => s.writeFile(path, content, mode)),
  readFile: (path) => meter.time(() => s.readFile(path)),
  close: () => meter.time(() => s.close()),
});

export function timedStepDeps(deps: StepDeps, meter: WaitMeter): StepDeps {
  const remote = timed(deps.remote, meter);
  return {
    ...deps,
    hypervisor: timed(deps.hypervisor, meter),
    registry: timed(deps.registry, meter),
    remote: {
      ...remote,
      connect: async (host, timeoutMs, signal) => timedSession(await remote.connect(host, timeoutMs, signal), meter),
    },
    clock: { now: () => deps.clock.now(), sleep: (ms, signal) => meter.time(() => deps.clock.sleep(ms, signal)) },
  };
}
