// The trimmed Web API description (web-api.json, made by scripts/specs/gen-slack.ts).
import { readFileSync } from 'node:fs';

export interface MethodSpec {
  httpMethod: string;
  tokenType: 'bot' | 'app';
  /** Any one of these scopes grants the method; empty means none is needed. */
  scopes: string[];
  args: Record<string, { type: string; required: boolean }>;
  errors: string[];
}

const fixture = JSON.parse(readFileSync(new URL('./web-api.json', import.meta.url), 'utf8')) as {
  methods: Record<string, MethodSpec>;
};

export const webApiMethods: ReadonlyMap<string, MethodSpec> = new Map(Object.entries(fixture.methods));
