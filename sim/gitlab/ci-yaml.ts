// The part of GitLab CI's YAML the simulator understands: `include: local`, `stages`, `variables`,
// `workflow: rules: - if: $VAR` (a variable is set and not empty), and jobs with `stage`, `tags`,
// `script`, `image`, `services`, `variables`. Tags are expanded from the pipeline's and the job's
// variables, as GitLab does. Anything else in a job is accepted and ignored.
import { parse } from 'yaml';

export interface CiJobDef {
  name: string;
  stage: string;
  stageIndex: number;
  tags: string[];
  script: string[];
  image?: string;
  services: string[];
  variables: Record<string, string>;
}

export type CiResult = { ok: true; jobs: CiJobDef[] } | { ok: false; error: string };

const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];
const RESERVED = new Set([
  'stages',
  'variables',
  'include',
  'workflow',
  'default',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
]);

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => list(v).map((x) => String(x));
const nameOf = (v: unknown): string | undefined => (isDoc(v) ? (v.name as string | undefined) : (v as string));

function variablesOf(v: unknown): Record<string, string> {
  if (!isDoc(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isDoc(x) ? String(x.value ?? '') : String(x)]));
}

export const expand = (text: string, vars: Record<string, string>): string =>
  text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ''] ?? '');

/** The merged document: the root file with every `include: local` file's keys added. */
function load(root: string, readFile: (path: string) => string | null): Doc | string {
  const doc: unknown = parse(root);
  if (!isDoc(doc)) return 'the CI configuration is not a mapping';
  const merged: Doc = {};
  for (const item of list(doc.include)) {
    const path = typeof item === 'string' ? item : isDoc(item) ? item.local : undefined;
    if (typeof path !== 'string') return 'the simulator supports only `include: local`';
    const text = readFile(path.replace(/^\//, ''));
    if (text === null) return `Local file \`${path}\` does not exist!`;
    const included: unknown = parse(text);
    if (!isDoc(included)) return `Included file \`${path}\` does not have valid YAML syntax!`;
    Object.assign(merged, included);
  }
  return Object.assign(merged, doc);
}

function workflowAllows(doc: Doc, vars: Record<string, string>): boolean {
  const rules = isDoc(doc.workflow) ? list(doc.workflow.rules) : [];
  if (rules.length === 0) return true;
  return rules.some((rule) => {
    if (!isDoc(rule) || rule.when === 'never') return false;
    if (rule.if === undefined) return true;
    const m = /^\$(\w+)$/.exec(String(rule.if).trim());
    return m !== null && (vars[m[1]!] ?? '') !== '';
  });
}

/** The jobs a pipeline with these variables gets, or GitLab's error for the configuration. */
export function ciJobs(
  root: string,
  readFile: (path: string) => string | null,
  vars: Record<string, string>,
): CiResult {
  let doc: Doc | string;
  try {
    doc = load(root, readFile);
  } catch (e) {
    return { ok: false, error: `(<unknown>): ${(e as Error).message}` };
  }
  if (typeof doc === 'string') return { ok: false, error: doc };
  const globals = { ...variablesOf(doc.variables), ...vars };
  if (!workflowAllows(doc, globals)) return { ok: false, error: 'Pipeline filtered out by workflow rules.' };
  const stages = doc.stages === undefined ? DEFAULT_STAGES : ['.pre', ...strings(doc.stages), '.post'];
  const jobs: CiJobDef[] = [];
  for (const [name, def] of Object.entries(doc)) {
    if (RESERVED.has(name) || name.startsWith('.') || !isDoc(def)) continue;
    const stage = String(def.stage ?? 'test');
    if (!stages.includes(stage)) return { ok: false, error: `${name} job: chosen stage ${stage} does not exist` };
    if (def.script === undefined)
      return { ok: false, error: `jobs:${name} config should implement a script: or a trigger: keyword` };
    // Variables given to the pipeline win over the YAML's, as in GitLab.
    const variables = { ...variablesOf(doc.variables), ...variablesOf(def.variables), ...vars };
    const image = nameOf(def.image ?? doc.image);
    jobs.push({
      name,
      stage,
      stageIndex: stages.indexOf(stage),
      tags: strings(def.tags)
        .map((t) => expand(t, variables))
        .filter(Boolean),
      script: strings(def.script),
      ...(image ? { image } : {}),
      services: list(def.services ?? doc.services).map((s) => String(nameOf(s))),
      variables,
    });
  }
  if (jobs.length === 0) return { ok: false, error: 'No stages / jobs for this pipeline.' };
  return { ok: true, jobs };
}
