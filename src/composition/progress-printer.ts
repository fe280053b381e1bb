// What `runnerbot provision|deprovision|reprovision` prints: one line per step, then the outcome.
import type { Notifier, ProgressEvent } from '../core/ports.ts';
import type { RunRecord } from '../core/run.ts';
import { failedRebuildNote } from '../core/successor.ts';
import { rotationResults } from '../core/token-rotation.ts';
import { stepOutcome, type StepOutcome } from '../core/step-outcome.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** ✓ changed something, · found it already done, ○ only read or waited. */
const MARK: Record<StepOutcome, string> = { applied: '✓', 'already done': '·', checked: '○' };

export function progressPrinter(out: (line: string) => void, scrub: (text: string) => string): Notifier {
  const line = (text: string) => out(scrub(text));
  return {
    async notify(event: ProgressEvent) {
      if (event.type === 'step-finished') {
        const said = stepOutcome(event.step, event.applied);
        line(`${MARK[said]} ${event.step.padEnd(22)} ${said.padEnd(12)}  ${seconds(event.durationMs)}`);
      }
      if (event.type === 'step-finished')
        for (const warning of event.warnings ?? []) line(`  ⚠ ${warning.replace(/\s*\n\s*/g, ' ')}`);
      if (event.type === 'step-failed')
        line(
          `✗ ${event.step.padEnd(22)} ${event.error.code}: ${event.error.message}${event.willRetry ? ' (will retry)' : ''}`,
        );
      if (event.type === 'step-note') line(`  … ${event.text}`);
      if (event.type === 'run-finished') line(outcome(event.run));
    },
  };
}

export function outcome(run: RunRecord): string {
  const took =
    run.startedAt !== undefined && run.finishedAt !== undefined ? ` in ${seconds(run.finishedAt - run.startedAt)}` : '';
  const { vmid, node, ip, runnerId, previous } = run.outputs;
  const facts = [
    vmid !== undefined && `VMID ${vmid}`,
    node && `node ${node}`,
    ip && `IP ${ip}`,
    runnerId !== undefined && `GitLab runner ${runnerId}`,
    run.spec.tags.length > 0 && run.kind !== 'deprovision' && `tags ${run.spec.tags.join(',')}`,
    previous?.vmid !== undefined && `removed VMID ${previous.vmid}`,
    previous?.runnerId !== undefined && `removed runner ${previous.runnerId}`,
    run.outputs.removedVmids?.length && `removed VMs ${run.outputs.removedVmids.join(' ')}`,
    run.outputs.removedRunnerIds?.length && `removed GitLab runners ${run.outputs.removedRunnerIds.join(' ')}`,
    run.outputs.tokenObtainedAt !== undefined && `new token expires ${run.outputs.tokenExpiresAt ?? 'never'}`,
    ...rotationFacts(run),
  ].filter(Boolean);
  if (run.status === 'succeeded')
    return `${run.kind} of ${run.runner} succeeded${took}: ${facts.join(', ')} (run ${run.id})`;
  const rebuildNote = failedRebuildNote(run);
  const left =
    rebuildNote !== null
      ? `; ${rebuildNote}`
      : vmid !== undefined || runnerId !== undefined
        ? `; left behind: ${facts.join(', ')}`
        : '';
  return `${run.kind} of ${run.runner} ${run.status} at ${run.error?.step ?? 'start'}: ${run.error?.code}: ${run.error?.message}${left} (run ${run.id})`;
}

/** `rotate-token --all`: the runners rotated and those that failed, with why. */
function rotationFacts(run: RunRecord): string[] {
  if (!run.outputs.rotations) return [];
  const { rotated, failed } = rotationResults(run.outputs.rotations);
  return [`rotated ${rotated.length ? rotated.join(' ') : 'none'}`, ...failed.map(([name, why]) => `${name} ${why}`)];
}
