// How long the event loop was kept busy by this process' own work. monitorEventLoopDelay alone
// also counts the time the OS gave the CPU to other processes (two shared cores, parallel test
// files and their sshd children): a tick that comes late is charged only the CPU time this
// process used while it was late. A handler that spins for 200 ms is charged 200 ms; a process
// that waited 200 ms for a core is charged what it did meanwhile.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopWatch {
  /** The longest stretch the loop was busy with this process' own work, in ms. */
  maxBlockedMs(): number;
  /** monitorEventLoopDelay's maximum, in ms: blocking and starvation together. */
  maxDelayMs(): number;
  stop(): void;
}

export function watchLoopBlocking(intervalMs = 5): LoopWatch {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let maxBlocked = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const lateMs = now - last - intervalMs;
    maxBlocked = Math.max(maxBlocked, Math.min(lateMs, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  }, intervalMs);
  return {
    maxBlockedMs: () => maxBlocked,
    maxDelayMs: () => histogram.max / 1e6,
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
