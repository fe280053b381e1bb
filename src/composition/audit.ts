// `runnerbot audit [--runner NAME] [--since 7d] [--verbose | --json]`: the audit trail, oldest
// first, as a table of one line per event (a run's entries folded into one line with its outcome),
// with relative times; `--verbose` prints every entry with its details, `--json` the entries.
import type { Redis } from 'ioredis';
import { usageOf } from '../core/command-usage.ts';
import { readAudit, type StoredAuditEntry } from '../jobs/redis-audit-log.ts';
import { auditEvents, type AuditEvent } from '../core/audit-events.ts';
import { oneLine } from './terminal-safe.ts';
import { ago, table } from './text-table.ts';

export interface AuditCommandDeps {
  redis: Redis;
  prefix: string;
  out: (line: string) => void;
  now?: () => number;
}

const USAGE = usageOf('audit', 'runnerbot');
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export async function auditCommand(argv: string[], deps: AuditCommandDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.out(USAGE);
    return 0;
  }
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    deps.out(options);
    deps.out(USAGE);
    return 2;
  }
  const sinceMs = options.sinceMs === undefined ? undefined : (deps.now ?? Date.now)() - options.sinceMs;
  const entries = await readAudit(deps.redis, deps.prefix, { runner: options.runner, sinceMs });
  if (options.json) deps.out(JSON.stringify(entries, null, 2));
  else if (options.verbose) for (const entry of entries) deps.out(formatAuditEntry(entry));
  else if (entries.length === 0)
    deps.out(`No audit entries${options.runner ? ` for ${oneLine(options.runner)}` : ''}.`);
  else for (const line of auditTable(auditEvents(entries), (deps.now ?? Date.now)())) deps.out(line);
  return 0;
}

export function auditTable(events: readonly AuditEvent[], now: number): string[] {
  return table(
    ['WHEN', 'WHO', 'WHAT', 'RUNNER', 'OUTCOME', 'RUN'],
    events.map((e) =>
      [ago(e.at, now), e.actor ?? 'runnerbot', e.what, e.runner ?? '-', e.outcome, e.runId ?? '-'].map(oneLine),
    ),
  );
}

export function formatAuditEntry(entry: StoredAuditEntry): string {
  const details = Object.entries(entry.detail)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  const columns = [
    new Date(entry.at).toISOString(),
    entry.type.padEnd(12),
    entry.runner ?? '-',
    entry.runId ?? '-',
    entry.actor ?? '-',
    details,
  ];
  return oneLine(columns.join('  ').trimEnd());
}

interface AuditOptions {
  runner?: string;
  sinceMs?: number;
  verbose?: boolean;
  json?: boolean;
}

function parseArgs(argv: string[]): AuditOptions | string {
  const options: AuditOptions = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--verbose' || argv[i] === '-v') {
      options.verbose = true;
      continue;
    }
    if (argv[i] === '--json') {
      options.json = true;
      continue;
    }
    // `audit NAME`, as in Slack's `/runner audit NAME`.
    if (!argv[i]!.startsWith('-') && options.runner === undefined) {
      options.runner = argv[i]!;
      continue;
    }
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return `${flag} needs a value`;
    if (flag === '--runner') options.runner = value;
    else if (flag === '--since') {
      const match = /^(\d+)([smhdw])$/.exec(value);
      if (!match) return `--since: "${value}" is not a duration like 7d`;
      options.sinceMs = Number(match[1]) * UNIT_MS[match[2]!]!;
    } else return `unknown option ${flag}`;
  }
  return options;
}
