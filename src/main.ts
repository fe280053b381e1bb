// The composition root's entry: `runnerbot <command> …` (the table is src/composition/commands.ts).
import { dispatch } from './composition/dispatch.ts';

process.exit(await dispatch(process.argv.slice(2), process.env));
