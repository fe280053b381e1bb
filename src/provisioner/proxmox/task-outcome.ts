// What a finished Proxmox task's exit status and log mean: `OK` and `WARNINGS: N` are success
// (pve-common UPID.pm), anything else is the error; a warned task's log holds `WARN: …` lines,
// each possibly continued on the lines after it, and ends with `TASK WARNINGS: N`.

export const WARNED = /^WARNINGS: \d+$/;

/** The warnings of a task log, one string per `WARN:` entry with its continuation lines. */
export function warningLines(log: string[]): string[] {
  const warnings: string[] = [];
  let current: string[] | null = null;
  for (const line of log) {
    if (/^TASK (OK|WARNINGS|ERROR)/.test(line)) break;
    const started = /^WARN: ?(.*)$/.exec(line);
    if (started) {
      current = [started[1]!];
      warnings.push('');
    } else if (current) current.push(line);
    if (current) warnings[warnings.length - 1] = current.join('\n').trim();
  }
  return warnings;
}
