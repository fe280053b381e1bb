// `runnerbot validation install`: commits the shipped validation jobs (validation/*.gitlab-ci.yml
// at the top of the package) into the configured validation project.
import { readdirSync, readFileSync } from 'node:fs';
import { installValidation, type JobFile } from '../app/install-validation.ts';
import type { Env } from '../config.ts';
import { createValidationProject } from '../provisioner/gitlab/validation-project.ts';
import { CliError, loadOrRefuse, scrubFor } from './load.ts';

const JOB_DIR = new URL('../../validation/', import.meta.url);

/** The shipped job files, as they go into the project (under validation/). */
export function shippedJobFiles(dir: URL = JOB_DIR): JobFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.gitlab-ci.yml'))
    .sort()
    .map((name) => ({ path: `validation/${name}`, content: readFileSync(new URL(name, dir), 'utf8') }));
}

export async function validationCommand(argv: string[], env: Env): Promise<number> {
  if (argv.length !== 1 || argv[0] !== 'install') throw new CliError('usage: runnerbot validation install', 2);
  const loaded = loadOrRefuse(env, { role: 'worker' });
  const { config, secrets } = loaded;
  if (!config.validation)
    throw new CliError('validation is not configured: set validation.projectId in the configuration');
  if (!secrets.gitlabToken) throw new CliError('validation install needs GITLAB_TOKEN (a token with the api scope)');
  const project = createValidationProject({
    url: config.gitlab.url,
    token: secrets.gitlabToken,
    projectId: config.validation.projectId,
    ...(loaded.proxy ? { proxy: loaded.proxy } : {}),
  });
  const { ref, projectId } = config.validation;
  const committed = await installValidation(project, { ref, files: shippedJobFiles() });
  const scrub = scrubFor(loaded);
  if (committed.length === 0) console.log(scrub(`project ${projectId} (${ref}) already holds the validation jobs`));
  for (const action of committed)
    console.log(scrub(`${action.action}d ${action.filePath} in project ${projectId} (${ref})`));
  return 0;
}
