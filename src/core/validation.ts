// Validation: the pipeline that proves a new runner before it takes real jobs. The runner carries
// one tag while it is validated (PREFIX + its name) and the jobs ask for that tag through a CI/CD
// variable, so they land on exactly that runner and nothing else lands there.

/** A file change of one commit (GitLab's Commits API `actions`). */
export interface CommitAction {
  action: 'create' | 'update';
  filePath: string;
  content: string;
}

/** The CI/CD variable the validation jobs take their `tags:` from. */
export const VALIDATION_TAG_VARIABLE = 'RUNNERBOT_VALIDATION_TAG';

/** The file in the validation project that includes every shipped job file. */
export const CI_ROOT_FILE = '.gitlab-ci.yml';

export interface ValidationOutcome {
  pipelineId: number;
  webUrl: string;
  status: string;
  /** When the pipeline was started (ms): the timeout counts from here, across resumes. */
  startedAt: number;
  jobs: { name: string; status: string; webUrl: string }[];
}

export const validationTag = (prefix: string, runnerName: string): string => `${prefix}${runnerName}`;

const FINAL = new Set(['success', 'failed', 'canceled', 'skipped', 'manual']);

/** Whether GitLab will not change the pipeline's status any more on its own. */
export const pipelineFinished = (status: string): boolean => FINAL.has(status);

/** The root CI file: includes the job files; pipelines start only with a validation tag to run on. */
export function ciRootFile(jobFiles: string[]): string {
  return [
    '# Managed by `runnerbot validation install`: the validation jobs runnerbot runs on every new runner.',
    'workflow:',
    '  rules:',
    `    - if: $${VALIDATION_TAG_VARIABLE}`,
    'include:',
    ...[...jobFiles].sort().map((path) => `  - local: ${path}`),
    '',
  ].join('\n');
}

/** What to commit so the project holds `wanted`: files missing are created, files that differ updated. */
export function installActions(
  wanted: { path: string; content: string }[],
  existing: ReadonlyMap<string, string | null>,
): CommitAction[] {
  return wanted.flatMap(({ path, content }): CommitAction[] => {
    const current = existing.get(path) ?? null;
    if (current === content) return [];
    return [{ action: current === null ? 'create' : 'update', filePath: path, content }];
  });
}

/** One line for a failed validation: the pipeline's status and the jobs that did not pass. */
export function validationFailure(outcome: ValidationOutcome): string {
  const failed = outcome.jobs.filter((j) => j.status !== 'success').map((j) => `${j.name} (${j.status})`);
  const which = failed.length > 0 ? `: ${failed.join(', ')}` : '';
  return `validation pipeline #${outcome.pipelineId} ended ${outcome.status}${which}`;
}
