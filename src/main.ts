// The composition root's entry: `runnerbot <command> …` (the table is src/cli/commands.ts).
import { dispatch } from './cli/dispatch.ts';

process.exit(await dispatch(process.argv.slice(2), process.env));
