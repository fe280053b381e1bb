// Puts the validation jobs into the validation project in one commit: the shipped job files and
// the root CI file that includes them. Files already as shipped are left alone, so a second
// install commits nothing.
import type { ValidationProject } from '../core/ports.ts';
import { CI_ROOT_FILE, ciRootFile, installActions, type CommitAction } from '../core/validation.ts';

export interface JobFile {
  /** Path in the project, e.g. validation/runner-health.gitlab-ci.yml. */
  path: string;
  content: string;
}

export const INSTALL_MESSAGE = 'runnerbot: install the runner validation jobs';

/** Returns what was committed (nothing when the project already holds the files). */
export async function installValidation(
  project: ValidationProject,
  input: { ref: string; files: JobFile[] },
): Promise<CommitAction[]> {
  const wanted = [...input.files, { path: CI_ROOT_FILE, content: ciRootFile(input.files.map((f) => f.path)) }];
  const existing = new Map(
    await Promise.all(wanted.map(async (f) => [f.path, await project.readFile(f.path, input.ref)] as const)),
  );
  const actions = installActions(wanted, existing);
  if (actions.length > 0) await project.commit(input.ref, INSTALL_MESSAGE, actions);
  return actions;
}
