#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the installed bin and `npm run runnerbot` are one program.
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
