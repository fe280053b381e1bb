// Writes sim/slack/web-api.json: the Slack Web API methods runnerbot uses, trimmed from
// Slack's OpenAPI v2 description (../shared/specs/slack). The simulator validates against it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specPath = path.join(path.resolve(repoRoot, '../shared/specs'), 'slack/slack_web_openapi_v2.json');
const outPath = path.join(repoRoot, 'sim/slack/web-api.json');

const METHODS = [
  'auth.test',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.delete',
  'chat.getPermalink',
  'conversations.info',
  'conversations.history',
  'conversations.replies',
  'usergroups.users.list',
  'usergroups.list',
  'users.info',
  'views.publish',
];

// The spec (1.7.0) names user-token scopes of its day; a bot token today holds these instead.
const SCOPE_ALIASES: Record<string, string> = { 'chat:write:bot': 'chat:write', 'chat:write:user': 'chat:write' };

// Arguments the spec leaves optional that Slack's current method reference marks required.
const REQUIRED_OVERRIDES: Record<string, string[]> = {
  'chat.delete': ['channel', 'ts'],
  'conversations.info': ['channel'],
  'conversations.history': ['channel'],
  'conversations.replies': ['channel', 'ts'],
  'users.info': ['user'],
};

// Absent from the spec: the Socket Mode handshake method, written from Slack's method reference.
const APPS_CONNECTIONS_OPEN = {
  httpMethod: 'POST',
  tokenType: 'app',
  scopes: ['connections:write'],
  args: {},
  errors: ['not_authed', 'invalid_auth', 'not_allowed_token_type', 'missing_scope', 'ratelimited'],
};

interface SpecParam {
  name: string;
  in: string;
  required?: boolean;
  type?: string;
}
interface SpecOp {
  parameters?: SpecParam[];
  security?: { slackAuth?: string[] }[];
  responses?: { default?: { schema?: { properties?: { error?: { enum?: string[] } } } } };
}

function trim(verb: string, op: SpecOp, method: string) {
  const scopes = [
    ...new Set((op.security?.[0]?.slackAuth ?? []).filter((s) => s !== 'none').map((s) => SCOPE_ALIASES[s] ?? s)),
  ];
  const forced = REQUIRED_OVERRIDES[method] ?? [];
  const args: Record<string, { type: string; required: boolean }> = {};
  for (const p of op.parameters ?? []) {
    if (p.name === 'token') continue;
    args[p.name] = { type: p.type ?? 'string', required: Boolean(p.required) || forced.includes(p.name) };
  }
  const errors = op.responses?.default?.schema?.properties?.error?.enum ?? [];
  return { httpMethod: verb.toUpperCase(), tokenType: 'bot', scopes, args, errors };
}

const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
  info: { version: string };
  paths: Record<string, Record<string, SpecOp>>;
};
const methods: Record<string, unknown> = {};
for (const method of METHODS) {
  const entry = spec.paths[`/${method}`];
  const [verb, op] = Object.entries(entry ?? {})[0] ?? [];
  if (!verb || !op) throw new Error(`${method} is not in ${specPath}`);
  methods[method] = trim(verb, op, method);
}
methods['apps.connections.open'] = APPS_CONNECTIONS_OPEN;

const fixture = {
  source: `slack_web_openapi_v2.json (slack-api-specs ${spec.info.version}), trimmed`,
  generatedBy: 'scripts/specs/gen-slack.ts',
  methods,
};
writeFileSync(outPath, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${path.relative(repoRoot, outPath)} (${Object.keys(methods).length} methods)`);
