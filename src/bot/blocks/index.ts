// The Block Kit builders: pure functions from a run (and what the notifier saw) to a message.
export { ACTION_IDS } from './actions.ts';
export { LIMITS, TRUNCATED_NOTE, fitMessage, truncate } from './limits.ts';
export { failureMessage, summaryMessage } from './outcome.ts';
export { progressMessage, type StepProgress } from './progress.ts';
export { rootMessage, type DecisionNote } from './run-root.ts';
export { STATUS_EMOJI, STATUS_LABEL, formatDuration, mention, runTitle } from './status.ts';
export type { SlackBlock, SlackMessage } from './types.ts';
export { warningsMessage } from './warnings.ts';
