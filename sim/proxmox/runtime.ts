// What the request handlers share: the cluster state, the task runner, the timing knobs (changeable
// while the simulator runs) and the optional host that runs a real machine per VM.
import type { VmHost } from '../vm-host.ts';
import type { SimToken } from './auth.ts';
import type { ClusterState } from './state.ts';
import type { TaskRunner } from './tasks.ts';

export interface SimTiming {
  /** How long start/stop/shutdown/delete/resize tasks run. */
  taskMs: number;
  /** How long a clone task runs (and holds the new VM's `clone` lock). */
  cloneTaskMs: number;
  /** After a start task ends, how long until the guest agent answers. */
  agentBootMs: number;
  /** After the agent first answers, how long until `docker0` shows up. */
  dockerAfterMs: number;
}

export interface SimRuntime {
  state: ClusterState;
  tasks: TaskRunner;
  timing: SimTiming;
  vmHost?: VmHost;
  /** Failures of the VmHost (boot, halt, destroy), for tests to inspect. */
  hostErrors: string[];
}

export interface HandlerContext {
  /** Path, query and body parameters, already verified against the schema. */
  params: Record<string, string>;
  token: SimToken;
}

export type Handler = (rt: SimRuntime, ctx: HandlerContext) => unknown;
