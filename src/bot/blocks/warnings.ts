// A thread reply for warnings a vendor gave while a step still succeeded (e.g. a Proxmox start
// task that ended `WARNINGS: 1`). The lines come from Proxmox, so they are sent as plain text.
import type { RunRecord } from '../../core/run.ts';
import { LIMITS, truncate } from './limits.ts';
import type { SlackMessage } from './types.ts';

export function warningsMessage(run: RunRecord, step: string, warnings: string[]): SlackMessage {
  const headline = `⚠️ ${run.runner}: Proxmox warned during step ${step} (the step succeeded)`;
  const body = truncate(warnings.join('\n\n'), LIMITS.sectionText);
  return {
    text: headline,
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: headline } },
      { type: 'section', text: { type: 'plain_text', text: body } },
    ],
  };
}
