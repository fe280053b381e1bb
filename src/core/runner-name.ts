// The name policy: a runner's name becomes a VM name, a hostname and a GitLab description, and
// reaches shell scripts, so it must be an RFC 1123 label and match `runners.namePattern`.
import { RE2JS } from 're2js';
import { err, ok, type Result } from './errors.ts';
import { quoteInput } from './command-echo.ts';

export const MAX_RUNNER_NAME_LENGTH = 63;

const RFC1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Compiles `runners.namePattern` with RE2 (linear time, whatever name is typed); a broken pattern
 * is a configuration error, not the user's. Like a JavaScript `test`, it may match anywhere: anchor it.
 */
export function compileNamePattern(pattern: string): Result<RE2JS> {
  try {
    return ok(RE2JS.compile(pattern));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err({
      code: 'CONFIG.INVALID',
      message: `runners.namePattern ${quoteInput(pattern)} is not a valid regular expression: ${reason}`,
    });
  }
}

/** The configured pattern is one string for the life of a process; compiling it costs more than a command's parse. */
let lastCompiled: { pattern: string; result: Result<RE2JS> } | undefined;

function compiledPattern(pattern: string): Result<RE2JS> {
  if (lastCompiled?.pattern !== pattern) lastCompiled = { pattern, result: compileNamePattern(pattern) };
  return lastCompiled.result;
}

export function validateRunnerName(name: string, pattern: string): Result<string> {
  const compiled = compiledPattern(pattern);
  if (!compiled.ok) return compiled;
  if (RFC1123_LABEL.test(name) && compiled.value.test(name)) return ok(name);
  const rule = `use lower-case letters, digits and '-' (at most ${MAX_RUNNER_NAME_LENGTH} characters), matching ${pattern}`;
  const subject = name === '' ? 'a runner name is required' : `runner name ${quoteInput(name)} is not valid`;
  return err({ code: 'RUNNER.NAME_INVALID', message: `${subject}: ${rule}` });
}
