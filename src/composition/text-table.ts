// Plain-text helpers for terminal output: aligned columns and relative times.

/** Header and rows as lines whose columns line up (two spaces between columns, no trailing blanks). */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export { ago } from '../core/relative-time.ts';
