// `runnerbot audit [--runner NAME] [--since 7d]`: the audit trail, oldest first, one line each.
import type { Redis } from 'ioredis';
import { usageOf } from '../core/command-usage.ts';
import { readAudit, type StoredAuditEntry } from '../jobs/redis-audit-log.ts';
import { oneLine } from './terminal-safe.ts';

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
  for (const entry of entries) deps.out(formatAuditEntry(entry));
  return 0;
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

function parseArgs(argv: string[]): { runner?: string; sinceMs?: number } | string {
  const options: { runner?: string; sinceMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
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
