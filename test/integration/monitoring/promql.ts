// Just enough PromQL reading to list the metric names an expression selects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONITORING } from './tools.ts';

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names in an expression: identifiers that are not functions, keywords or labels. */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, ' ');
  const identifiers = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)];
  const names = identifiers.filter(([, , call]) => !call).map(([, name]) => name!);
  return [...new Set(names.filter((name) => !KEYWORDS.has(name.toLowerCase())))];
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export interface DashboardQuery {
  panel: string;
  expr: string;
}

export function loadDashboard(): { panels: Panel[]; templating: { list: { name: string; query: { query: string } }[] } } {
  return JSON.parse(readFileSync(join(MONITORING, 'grafana/dashboards/runnerbot.json'), 'utf8'));
}

/** Every panel query of the shipped dashboard. */
export function dashboardQueries(): DashboardQuery[] {
  const walk = (panels: Panel[]): DashboardQuery[] =>
    panels.flatMap((p) => [...(p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: p.title ?? '?', expr: t.expr }] : [])), ...walk(p.panels ?? [])]);
  return walk(loadDashboard().panels);
}

/** A dashboard query as Grafana sends it with every runner selected. */
export function asGrafanaSends(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$runner', '.*');
}
