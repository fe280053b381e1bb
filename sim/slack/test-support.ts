// Shared by the simulator's own tests: a small workspace (two users, an approver group, two
// channels) and a wait for what the app does after its ack.
import type { SlackSimOptions } from './options.ts';

export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';
export const OPS = 'C0OPS00001';
export const ALERTS = 'C0ALERTS01';
export const APPROVERS = 'S0APPROVE1';

export const testWorkspace: SlackSimOptions = {
  users: [
    { id: ALICE, name: 'alice', real_name: 'Alice Operator' },
    { id: BOB, name: 'bob', real_name: 'Bob Approver' },
  ],
  usergroups: [{ id: APPROVERS, handle: 'runner-approvers', name: 'Runner approvers', users: [BOB] }],
  channels: [
    { id: OPS, name: 'ops' },
    { id: ALERTS, name: 'alerts' },
  ],
};

/** Waits until `probe` returns a value (the app works after acking); fails after `ms`. */
export async function until<T>(probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${probe.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
