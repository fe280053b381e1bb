// The parts of a Markdown guide the docs test checks: code (inline spans, fenced and indented
// blocks, one item per line), headings as GitHub anchors, links, and the rows of a section's table.

export interface CodeItem {
  /** The code: a span's content, or one line of a block without its indentation. */
  text: string;
  /** 1-based line in the file. */
  line: number;
  kind: 'span' | 'block';
  /** The whole source line, for what the prose around it says. */
  context: string;
}

const FENCE = /^\s*(```+|~~~+)/;
const INDENTED = /^( {4}|\t)/;

export function codeItems(markdown: string): CodeItem[] {
  const items: CodeItem[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  let inIndentedBlock = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const opener = FENCE.exec(raw)?.[1];
    if (fence !== undefined) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
      else if (raw.trim() !== '') items.push({ text: raw.trim(), line, kind: 'block', context: raw });
      return;
    }
    if (opener !== undefined) {
      fence = opener;
      return;
    }
    const previousBlank = index === 0 || lines[index - 1]!.trim() === '';
    if (INDENTED.test(raw) && raw.trim() !== '' && (previousBlank || inIndentedBlock)) {
      inIndentedBlock = true;
      items.push({ text: raw.trim(), line, kind: 'block', context: raw });
      return;
    }
    if (raw.trim() !== '') inIndentedBlock = false;
    for (const match of raw.matchAll(/(`+)(?!`)(.+?)(?<!`)\1(?!`)/g)) {
      items.push({ text: match[2]!.trim(), line, kind: 'span', context: raw });
    }
  });
  return items;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function headings(markdown: string): { text: string; level: number; line: number }[] {
  const found: { text: string; level: number; line: number }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((raw, index) => {
    if (FENCE.test(raw)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*$/.exec(raw);
    if (match) found.push({ text: match[2]!, level: match[1]!.length, line: index + 1 });
  });
  return found;
}

export const anchors = (markdown: string): Set<string> => new Set(headings(markdown).map((h) => slug(h.text)));

/** `[text](target)` links, with their line. */
export function links(markdown: string): { target: string; line: number }[] {
  return markdown.split('\n').flatMap((raw, index) => [...raw.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ target: m[1]!, line: index + 1 })));
}

/** The body rows of the tables under the heading `title` (until the next heading of its level or above). */
export function tableRows(markdown: string, title: string): { cells: string[]; line: number }[] {
  const all = headings(markdown);
  const start = all.find((h) => h.text === title);
  if (!start) return [];
  const end = all.find((h) => h.line > start.line && h.level <= start.level)?.line ?? Infinity;
  const lines = markdown.split('\n');
  const rows: { cells: string[]; line: number }[] = [];
  for (let line = start.line + 1; line < Math.min(end, lines.length + 1); line++) {
    const raw = lines[line - 1]!.trim();
    const previous = lines[line - 2]!.trim();
    // A table's first line is its header; the second separates it from the body.
    if (!raw.startsWith('|') || !previous.startsWith('|')) continue;
    const cells = raw.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.push({ cells, line });
  }
  return rows;
}
