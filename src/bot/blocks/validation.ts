// The validation pipeline's jobs in a run's last reply: one line per job with its result and a
// link to it in GitLab. Job names and URLs come from GitLab, so they are escaped or dropped.
import type { RunRecord } from '../../core/run.ts';
import { escapeMrkdwn, link } from '../mrkdwn.ts';
import type { SlackBlock } from './types.ts';

const MARK: Record<string, string> = { success: '✅', failed: '❌', canceled: '⛔', skipped: '⏭️' };
const MAX_JOBS = 20;

export function validationSection(run: RunRecord): SlackBlock | null {
  const outcome = run.outputs.validation;
  if (!outcome) return null;
  const pipeline = link(outcome.webUrl, `pipeline #${outcome.pipelineId}`) ?? `pipeline #${outcome.pipelineId}`;
  const jobs = outcome.jobs.slice(0, MAX_JOBS).map((job) => {
    const name = link(job.webUrl, job.name) ?? escapeMrkdwn(job.name);
    return `${MARK[job.status] ?? '⏳'} ${name}: ${escapeMrkdwn(job.status)}`;
  });
  const more = outcome.jobs.length > MAX_JOBS ? [`… and ${outcome.jobs.length - MAX_JOBS} more`] : [];
  const text = [`*Validation* ${pipeline}: ${escapeMrkdwn(outcome.status)}`, ...jobs, ...more].join('\n');
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
