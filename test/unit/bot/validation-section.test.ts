// The validation jobs in a run's last reply: one line per job with a link, GitLab's text escaped.
import { describe, expect, it } from 'vitest';
import { failureMessage, summaryMessage } from '../../../src/bot/blocks/outcome.ts';
import { runRecord } from '../../support/run-record.ts';

const outcome = {
  pipelineId: 9,
  webUrl: 'https://gitlab.example.com/v/-/pipelines/9',
  status: 'failed',
  startedAt: 0,
  jobs: [
    { name: 'runner-health', status: 'success', webUrl: 'https://gitlab.example.com/v/-/jobs/1' },
    { name: '<!channel> build', status: 'failed', webUrl: 'javascript:alert(1)' },
  ],
};

describe('validation in the last reply', () => {
  it('lists each job with its result and a link, escaping what GitLab sent', () => {
    const run = runRecord({ kind: 'provision', status: 'failed', outputs: { validation: outcome } });
    const text = JSON.stringify(failureMessage(run).blocks);
    expect(text).toContain('*Validation* <https://gitlab.example.com/v/-/pipelines/9|pipeline #9>: failed');
    expect(text).toContain('✅ <https://gitlab.example.com/v/-/jobs/1|runner-health>: success');
    // A link that is not http(s) is dropped; the name is shown inert.
    expect(text).toContain('❌ &lt;!channel&gt; build: failed');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('javascript:');
  });

  it('is absent from runs without validation', () => {
    const run = runRecord({ kind: 'provision', status: 'succeeded' });
    expect(JSON.stringify(summaryMessage(run).blocks)).not.toContain('Validation');
  });
});
