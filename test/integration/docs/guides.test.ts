// The operator guides stay true: every `runnerbot …` and `/runner …` command they show exists and
// parses (and some run), every configuration key and environment variable they name is one
// runnerbot reads, every alert's runbook anchor is a heading of operations.md, every link inside
// them resolves, and every error message in the troubleshooting table is one runnerbot prints.
// Each test lists everything wrong at once, as `file:line: what`.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditCommand } from '../../../src/composition/audit.ts';
import { COMMANDS } from '../../../src/composition/commands.ts';
import { configSchema } from '../../../src/config-schema.ts';
import { parseCommandArgv, parseCommandText, SUBCOMMANDS, type Command } from '../../../src/core/command.ts';
import { FLAGS_OF } from '../../../src/core/command-flags.ts';
import { SECRETS, writeTestConfig } from '../main/fixture-config.ts';
import { runRunnerbot } from '../main/processes.ts';
import { guideCommands, synopsisOptions, type GuideCommand } from './guide-commands.ts';
import { envReferences, keyReferences } from './guide-references.ts';
import { anchors, codeItems, links, tableRows, type CodeItem } from './markdown.ts';
import { grantedPrivileges, refusedEndpoints } from './pve-privileges.ts';
import { keysOf, resolvePath } from './schema-path.ts';
import { findMessage, REPO, runnerbotVariables, sandboxVariables, sourceFiles, toolVariables } from './source-text.ts';

const GUIDES = ['docs/operations.md', 'docs/security.md', 'README.md'].map((path) => {
  const text = readFileSync(join(REPO, path), 'utf8');
  return { path, text, items: codeItems(text) };
});
const OPERATIONS = GUIDES[0]!;

const located = <T extends { item: CodeItem }>(path: string, list: T[]) => list.map((entry) => ({ ...entry, where: `${path}:${entry.item.line}` }));
const commands = GUIDES.flatMap((g) => located(g.path, guideCommands(g.items)));
const runnerbotCommands = commands.filter((c) => c.program === 'runnerbot');
const slashCommands = commands.filter((c) => c.program === '/runner');

const example = parse(readFileSync(join(REPO, 'runnerbot.example.yaml'), 'utf8')) as {
  runners: { namePattern: string };
  profiles: Record<string, unknown>;
  proxmox: { nodes: string[] };
};
const parseOptions = { namePattern: example.runners.namePattern };

const GLOBAL_OPTIONS = ['--help', '-h', 'help', '--version', '-v'];
const CHANGE_AND_FLEET = ['provision', 'reprovision', 'deprovision', 'list', 'status'];

/** A bare subcommand that needs a runner name ("`runnerbot provision` runs …") is named, not run. */
const isMention = (c: GuideCommand) => c.words.length === 1 && ['provision', 'reprovision', 'deprovision', 'status'].includes(c.words[0]!);
/** The README's "`npm run runnerbot -- …`" stands for any command. */
const namesNoCommand = (c: GuideCommand) => /^([[<…]|\.\.\.|[A-Z]{2,}$)/.test(c.words[0] ?? '…');

function specProblems(command: Command): string[] {
  const problems: string[] = [];
  if ('profile' in command && command.profile !== undefined && !(command.profile in example.profiles)) problems.push(`profile "${command.profile}" is not in runnerbot.example.yaml`);
  if ('node' in command && command.node !== undefined && !example.proxmox.nodes.includes(command.node)) problems.push(`node "${command.node}" is not in runnerbot.example.yaml`);
  return problems;
}

describe('the runnerbot commands in the guides', () => {
  let redis: Redis;
  const prefix = `docs-test-${randomUUID()}`;
  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  });
  afterAll(() => redis.quit());

  it('name commands of the command table, with options each one takes', () => {
    expect(runnerbotCommands.length).toBeGreaterThanOrEqual(40);
    const problems: string[] = [];
    for (const c of runnerbotCommands.filter((c) => !namesNoCommand(c))) {
      const name = c.words[0]!.replace(/[[\]]/g, '');
      if (GLOBAL_OPTIONS.includes(name)) continue;
      const entry = COMMANDS[name];
      if (!entry) {
        problems.push(`${c.where}: \`${c.text}\`: runnerbot has no command "${name}" (it has ${Object.keys(COMMANDS).join(', ')})`);
        continue;
      }
      if (!c.synopsis) continue;
      for (const option of synopsisOptions(c.words.slice(1))) {
        if (!entry.usage.includes(option)) problems.push(`${c.where}: \`${c.text}\`: "${name}" takes no ${option} (usage: ${entry.usage})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('give provision, reprovision, deprovision, list and status arguments that parse, and profiles that exist', () => {
    const concrete = runnerbotCommands.filter((c) => !c.synopsis && !isMention(c) && CHANGE_AND_FLEET.includes(c.words[0]!));
    expect(concrete.length).toBeGreaterThanOrEqual(10);
    const problems = concrete.flatMap((c) => {
      const parsed = parseCommandArgv(c.words, parseOptions);
      if (!parsed.ok) return [`${c.where}: \`${c.text}\`: ${parsed.error.message}`];
      return specProblems(parsed.value).map((p) => `${c.where}: \`${c.text}\`: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('give audit options it accepts (run against Redis)', async () => {
    const audits = runnerbotCommands.filter((c) => !c.synopsis && !isMention(c) && c.words[0] === 'audit');
    expect(audits.length).toBeGreaterThanOrEqual(3);
    const problems: string[] = [];
    for (const c of audits) {
      const said: string[] = [];
      const code = await auditCommand(c.words.slice(1), { redis, prefix, out: (line) => said.push(line) });
      if (code !== 0) problems.push(`${c.where}: \`${c.text}\` exits ${code}: ${said.join(' / ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('start bot, worker and all without arguments', () => {
    const serve = runnerbotCommands.filter((c) => ['bot', 'worker', 'all'].includes(c.words[0]!));
    expect(serve.length).toBeGreaterThanOrEqual(10);
    expect(serve.filter((c) => c.words.length > 1).map((c) => `${c.where}: \`${c.text}\` takes no arguments`)).toEqual([]);
  });

  it('run `config check` as written: each exits 0 and prints the effective configuration', async () => {
    const { file } = writeTestConfig();
    const checks = runnerbotCommands.filter((c) => !c.synopsis && c.words[0] === 'config');
    expect(checks.map((c) => c.words.slice(0, 2).join(' '))).not.toContain('config');
    // A file other than the shipped example stands for the reader's own: a valid one is used.
    const runs = new Map<string, { args: string[]; env: Record<string, string>; where: string[] }>();
    for (const c of checks) {
      const rest = c.words.slice(2);
      const named = rest.find((w, i) => !w.startsWith('-') && rest[i - 1] !== '--for');
      const args = ['config', 'check', ...rest.map((w) => (w === named && w !== 'runnerbot.example.yaml' ? file : w))];
      const env: Record<string, string> = named ? { ...SECRETS } : { ...SECRETS, RUNNERBOT_CONFIG: file };
      const key = JSON.stringify([args, env.RUNNERBOT_CONFIG]);
      runs.set(key, { args, env, where: [...(runs.get(key)?.where ?? []), `${c.where}: \`${c.text}\``] });
    }
    expect(runs.size).toBeGreaterThanOrEqual(3);
    const outcomes = await Promise.all(
      [...runs.values()].map(async (run) => {
        const process = runRunnerbot(run.args, run.env);
        return { run, code: await process.exited, stdout: process.stdout(), stderr: process.stderr() };
      }),
    );
    const problems = outcomes
      .filter(({ code, stdout }) => code !== 0 || !/^# .*: OK/m.test(stdout))
      .map(({ run, code, stderr }) => `${run.where.join(', ')}: exits ${code}: ${stderr.trim()}`);
    expect(problems).toEqual([]);
  });

  it('`runnerbot --help` exits 0 and lists every command the guides use', async () => {
    const help = runRunnerbot(['--help'], {});
    expect(await help.exited).toBe(0);
    const used = new Set(runnerbotCommands.map((c) => c.words[0]!).filter((w) => w in COMMANDS));
    expect([...used].filter((name) => !help.stdout().includes(`runnerbot ${name}`))).toEqual([]);
  });
});

describe('the /runner commands in the guides', () => {
  it('parse, and are refused only where the guide says they are a usage error', () => {
    expect(slashCommands.length).toBeGreaterThanOrEqual(25);
    const problems: string[] = [];
    for (const c of slashCommands) {
      const sub = (c.words[0] ?? 'help').replace(/[[\]]/g, '');
      if (c.synopsis || isMention(c)) {
        if (!(SUBCOMMANDS as readonly string[]).includes(sub)) problems.push(`${c.where}: \`${c.text}\`: /runner has no subcommand "${sub}"`);
        const flags = (FLAGS_OF as Record<string, readonly string[]>)[sub] ?? [];
        for (const option of synopsisOptions(c.words.slice(1))) if (!flags.includes(option.slice(2))) problems.push(`${c.where}: \`${c.text}\`: ${sub} takes no ${option}`);
        continue;
      }
      const saysError = /usage error|is refused|did you mean/i.test(c.item.context);
      const parsed = parseCommandText(c.text.replace(/^\/runner\s*/, ''), parseOptions);
      if (parsed.ok && saysError) problems.push(`${c.where}: \`${c.text}\`: the guide calls it an error, but it parses`);
      if (!parsed.ok && !saysError) problems.push(`${c.where}: \`${c.text}\`: ${parsed.error.message}`);
      if (parsed.ok) problems.push(...specProblems(parsed.value).map((p) => `${c.where}: \`${c.text}\`: ${p}`));
    }
    expect(problems).toEqual([]);
  });
});

describe('the configuration keys and environment variables in the guides', () => {
  const topLevel = keysOf(configSchema)!;
  const keys = GUIDES.flatMap((g) => located(g.path, keyReferences(g.items, topLevel)));

  it('are keys of the configuration schema, with values it accepts', () => {
    expect(new Set(keys.map((k) => k.path)).size).toBeGreaterThanOrEqual(45);
    const problems = keys.flatMap((k) => {
      const resolved = resolvePath(configSchema, k.path);
      if (!resolved.ok) return [`${k.where}: \`${k.item.text}\`: ${resolved.problem}`];
      if (k.value === undefined) return [];
      const checked = resolved.schema.safeParse(parse(k.value));
      return checked.success ? [] : [`${k.where}: \`${k.item.text}\`: ${k.path} does not take ${k.value}: ${checked.error.issues[0]?.message}`];
    });
    expect(problems).toEqual([]);
  });

  it('are variables runnerbot reads (or, in the README, the sandbox)', () => {
    const runnerbot = runnerbotVariables();
    const sandbox = sandboxVariables();
    const tools = toolVariables();
    const named = GUIDES.flatMap((g) => located(g.path, envReferences(g.items)));
    expect(new Set(named.map((e) => e.name)).size).toBeGreaterThanOrEqual(15);
    const problems = named
      .filter((e) => !runnerbot.has(e.name) && !tools.has(e.name) && !(e.where.startsWith('README.md') && sandbox.has(e.name)))
      .map((e) => `${e.where}: ${e.name} is not read by runnerbot (it reads ${[...runnerbot].join(', ')})`);
    expect(problems).toEqual([]);
  });
});

describe('the anchors, links and messages of the guides', () => {
  it('have a section in operations.md for every runbook_url of the alert rules', () => {
    const rulesDir = join(REPO, 'monitoring/rules');
    const rules = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.yml'))
      .flatMap((f) => (parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] }).groups)
      .flatMap((g) => g.rules.filter((r) => r.alert));
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const sections = anchors(OPERATIONS.text);
    const problems = rules.flatMap((rule) => {
      const url = rule.annotations?.runbook_url ?? '';
      const [page, anchor = ''] = url.split('#');
      if (!page!.endsWith('/docs/operations')) return [`${rule.alert}: runbook_url ${url || '(none)'} does not point at docs/operations`];
      return sections.has(anchor) ? [] : [`${rule.alert}: runbook_url anchor #${anchor} is no heading of docs/operations.md`];
    });
    expect(problems).toEqual([]);
  });

  it('grant the Proxmox token every privilege the endpoints runnerbot calls check for', () => {
    const granted = grantedPrivileges(OPERATIONS.items);
    expect(granted.size).toBeGreaterThanOrEqual(10);
    expect(refusedEndpoints(granted)).toEqual([]);
  });

  it('link only to headings and files that exist', () => {
    const problems = GUIDES.flatMap((g) =>
      links(g.text)
        .filter((l) => !/^[a-z]+:/.test(l.target))
        .flatMap((l) => {
          const [file, anchor] = l.target.split('#');
          const target = file ? join(REPO, dirname(g.path), file) : join(REPO, g.path);
          if (!existsSync(target)) return [`${g.path}:${l.line}: ${l.target}: no such file`];
          if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) return [`${g.path}:${l.line}: ${l.target}: no such heading`];
          return [];
        }),
    );
    expect(problems).toEqual([]);
  });

  it('quote in the troubleshooting table only messages that runnerbot prints', () => {
    const rows = tableRows(OPERATIONS.text, 'Troubleshooting');
    const quoted = rows.flatMap((row) => [...row.cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => ({ message: m[1]!, line: row.line })));
    expect(quoted.length).toBeGreaterThanOrEqual(25);
    const sources = sourceFiles('src');
    const problems = quoted.filter((q) => !findMessage(q.message, sources)).map((q) => `docs/operations.md:${q.line}: "${q.message}" occurs nowhere in src/`);
    expect(problems).toEqual([]);
  });
});
