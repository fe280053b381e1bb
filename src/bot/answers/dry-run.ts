// `--dry-run`: the spec a change would use and the steps it would run; nothing is changed.
import type { ResolvedRequest, ChangeCommand } from '../../app/resolve-request.ts';
import type { FleetEntry } from '../../core/ports.ts';
import { code, escapeMrkdwn } from '../mrkdwn.ts';
import type { Reply } from './replies.ts';

const list = (items: string[]) => (items.length ? items.join(', ') : '(none)');

export function dryRunReply(command: ChangeCommand, resolved: ResolvedRequest, existing: FleetEntry | null): Reply {
  const { spec, plan } = resolved;
  const rows: [string, string | number][] = [
    ['profile', spec.profile],
    ['cores', spec.cores],
    ['memory', `${spec.memoryMiB} MiB`],
    ['disk', `${spec.diskGiB} GiB`],
    ['tags', list(spec.tags)],
    ['node', spec.node ?? '(placement chooses)'],
    ['concurrency', spec.concurrency],
    ['privileged', spec.privileged ? 'yes' : 'no'],
    ['images', list(spec.allowedImages)],
    ['services', list(spec.allowedServices)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const specText = escapeMrkdwn(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  const steps = plan.map((step, i) => `${i + 1}. ${step}`).join('\n');
  const target = existing
    ? escapeMrkdwn(
        `\nIt would act on VM ${existing.vmid} on ${existing.node} (${existing.ip}), GitLab runner #${existing.runnerId}.`,
      )
    : '';
  const approval = command.kind === 'provision' ? '' : '\nA second person would have to approve it.';
  const text = `*Dry run:* ${code(`${command.kind} ${command.name}`)} would use\n\`\`\`${specText}\`\`\`\nand run\n\`\`\`${steps}\`\`\`${target}${approval}\nNothing was changed.`;
  return { text };
}
