// Proxmox tasks: each has a real UPID, runs for a while, then stops with `exitstatus` OK, or
// `WARNINGS: N` when its work logged warnings (still a success), or the error its work threw.
// Polled at /nodes/{node}/tasks/{upid}/status; its log at /nodes/{node}/tasks/{upid}/log.

export interface SimTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
  /** The task log's lines, ending with `TASK OK`, `TASK WARNINGS: N` or `TASK ERROR: …`. */
  log: string[];
}

/** What a task's work returns: the warnings it logged (each may span several lines). */
export type TaskWork = () => void | string[] | Promise<void | string[]>;

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

export class TaskRunner {
  readonly tasks = new Map<string, SimTask>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextPid = 0x2a000 + Math.floor(Math.random() * 0x1000);
  private readonly pstart = 0x1000000 + Math.floor(Math.random() * 0x100000);

  /** Starts a task that finishes after `durationMs` by running `work` (its error fails the task). */
  start(
    spec: { node: string; type: string; id: string | number; user: string; durationMs: number },
    work: TaskWork,
  ): string {
    const pid = this.nextPid++;
    const starttime = Math.floor(Date.now() / 1000);
    const id = String(spec.id);
    const upid = `UPID:${spec.node}:${hex(pid)}:${hex(this.pstart)}:${hex(starttime)}:${spec.type}:${id}:${spec.user}:`;
    const task: SimTask = {
      upid,
      node: spec.node,
      pid,
      pstart: this.pstart,
      starttime,
      type: spec.type,
      id,
      user: spec.user,
      status: 'running',
      log: [],
    };
    this.tasks.set(upid, task);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      Promise.resolve()
        .then(work)
        .then(
          (warnings) => {
            for (const warning of warnings ?? []) task.log.push(...`WARN: ${warning}`.split('\n'));
            const exitstatus = warnings?.length ? `WARNINGS: ${warnings.length}` : 'OK';
            task.log.push(`TASK ${exitstatus}`);
            Object.assign(task, { status: 'stopped', exitstatus });
          },
          (error: unknown) => {
            const exitstatus = error instanceof Error ? error.message.trim() : String(error);
            task.log.push(`TASK ERROR: ${exitstatus}`);
            Object.assign(task, { status: 'stopped', exitstatus });
          },
        );
    }, spec.durationMs);
    this.timers.add(timer);
    return upid;
  }

  stopAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
