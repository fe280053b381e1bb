// Writes sim/gitlab/openapi-runners.json: the runner endpoints runnerbot uses, trimmed from
// GitLab's OpenAPI v2 excerpt in ../shared/specs, with GitLab's real parameter rules encoded where
// the generated spec gets them wrong. Run: node --import tsx scripts/specs/gen-gitlab.ts
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specsRoot = path.resolve(repoRoot, '../shared/specs');
const SOURCE = 'gitlab/gitlab-openapi-v2-runners-subset.yaml';
const OUTPUT = path.join(repoRoot, 'sim/gitlab/openapi-runners.json');

const USED: Record<string, string[]> = {
  '/api/v4/user/runners': ['post'],
  '/api/v4/runners': ['get'],
  '/api/v4/runners/all': ['get'],
  '/api/v4/runners/{id}': ['get', 'put', 'delete'],
  '/api/v4/runners/{id}/reset_authentication_token': ['post'],
  '/api/v4/runners/verify': ['post'],
};

type Json = Record<string, unknown>;

// GitLab's `GET /runners/:id/jobs` is missing from the shared excerpt; these are its parameters as
// declared in gitlab-org/gitlab lib/api/ci/runners.rb ("List runner's jobs").
const RUNNER_JOBS: Json = {
  get: {
    summary: "List runner's jobs",
    'x-runnerbot-source': 'gitlab-org/gitlab lib/api/ci/runners.rb (absent from the shared OpenAPI excerpt)',
    parameters: [
      { in: 'path', name: 'id', type: 'integer', format: 'int32', required: true },
      { in: 'query', name: 'system_id', type: 'string', required: false },
      {
        in: 'query',
        name: 'status',
        type: 'string',
        required: false,
        enum: [
          'created',
          'waiting_for_resource',
          'preparing',
          'waiting_for_callback',
          'pending',
          'running',
          'success',
          'failed',
          'canceled',
          'canceling',
          'skipped',
          'manual',
          'scheduled',
        ],
      },
      { in: 'query', name: 'order_by', type: 'string', enum: ['id'], required: false },
      { in: 'query', name: 'sort', type: 'string', enum: ['asc', 'desc'], default: 'desc', required: false },
      { in: 'query', name: 'cursor', type: 'string', required: false },
      { in: 'query', name: 'page', type: 'integer', format: 'int32', default: 1, required: false },
      { in: 'query', name: 'per_page', type: 'integer', format: 'int32', default: 20, required: false },
    ],
    responses: {
      '200': { description: "List runner's jobs" },
      '403': { description: 'No access granted' },
      '404': { description: 'Runner not found' },
    },
    operationId: 'getApiV4RunnersIdJobs',
  },
};

function refsOf(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.add(v.replace('#/definitions/', ''));
      else refsOf(v, found);
    }
  }
  return found;
}

/** Grape's rules that the generator flattens: conditional requirements, at_least_one_of, mutually_exclusive. */
function encodeGrapeRules(definitions: Record<string, Json>): void {
  const create = definitions.postApiV4UserRunners;
  if (create) {
    create.required = ['runner_type'];
    create['x-required-when'] = {
      group_id: { runner_type: 'group_type' },
      project_id: { runner_type: 'project_type' },
    };
  }
  const update = definitions.putApiV4RunnersId;
  if (update) {
    update['x-at-least-one-of'] = Object.keys(update.properties as Json);
    update['x-mutually-exclusive'] = ['active', 'paused'];
  }
}

export function buildFixture(sourceText: string): Json {
  const spec = parse(sourceText) as { paths: Record<string, Json>; definitions: Record<string, Json> };
  const paths: Record<string, Json> = {};
  for (const [p, methods] of Object.entries(USED)) {
    const item = spec.paths[p];
    if (!item) throw new Error(`${SOURCE} lacks ${p}`);
    paths[p] = Object.fromEntries(
      methods.map((m) => {
        if (!item[m]) throw new Error(`${SOURCE} lacks ${m.toUpperCase()} ${p}`);
        return [m, item[m]];
      }),
    );
  }
  paths['/api/v4/runners/{id}/jobs'] = RUNNER_JOBS;
  const definitions: Record<string, Json> = {};
  for (const name of [...refsOf(paths, new Set())].sort()) {
    const def = spec.definitions[name];
    if (def) definitions[name] = structuredClone(def);
  }
  encodeGrapeRules(definitions);
  return {
    source: { file: SOURCE, sha256: createHash('sha256').update(sourceText).digest('hex') },
    generatedBy: 'scripts/specs/gen-gitlab.ts',
    securityDefinitions: (spec as unknown as Json).securityDefinitions,
    paths,
    definitions,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = readFileSync(path.join(specsRoot, SOURCE), 'utf8');
  writeFileSync(OUTPUT, `${JSON.stringify(buildFixture(text), null, 2)}\n`);
  console.log(`wrote ${path.relative(repoRoot, OUTPUT)}`);
}
