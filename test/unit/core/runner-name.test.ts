import { describe, expect, it } from 'vitest';
import { validateRunnerName } from '../../../src/core/runner-name.ts';

const PATTERN = '^gitlab-runner-[a-z0-9-]+$';
const RULE = `use lower-case letters, digits and '-' (at most 63 characters), matching ${PATTERN}`;

describe('validateRunnerName', () => {
  it.each([
    'gitlab-runner-02',
    'gitlab-runner-a',
    'gitlab-runner-build-x86-64',
    `gitlab-runner-${'a'.repeat(49)}`, // 63 characters
  ])('accepts %s', (name) => {
    expect(validateRunnerName(name, PATTERN)).toEqual({ ok: true, value: name });
  });

  it.each([
    ['Foo_1', 'upper case and underscore'],
    ['gitlab-runner-02;reboot', 'shell metacharacter ;'],
    ['gitlab-runner-$(reboot)', 'command substitution'],
    ['gitlab-runner-`id`', 'backticks'],
    ['gitlab-runner-02 rm', 'a space'],
    ['gitlab-runner-02\n', 'a trailing newline'],
    ['gitlab-runner-02-', 'a trailing hyphen'],
    ['-gitlab-runner-02', 'a leading hyphen'],
    ['gitlab-runner-ü', 'unicode'],
    ['gitlab-runner-０２', 'full-width digits'],
    ['gitlab-runner.02', 'a dot'],
    ['GITLAB-RUNNER-02', 'upper case'],
    [`gitlab-runner-${'a'.repeat(50)}`, '64 characters'],
    ['build-01', 'a valid label outside the configured pattern'],
    ['gitlab-runner-', 'the pattern needs at least one character after the prefix'],
  ])('refuses %j (%s)', (name) => {
    const result = validateRunnerName(name, PATTERN);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('RUNNER.NAME_INVALID');
  });

  it('names the wrong name and the rule', () => {
    expect(validateRunnerName('Foo_1', PATTERN)).toEqual({
      ok: false,
      error: { code: 'RUNNER.NAME_INVALID', message: `runner name \`Foo_1\` is not valid: ${RULE}` },
    });
  });

  it('says a name is required when it is empty', () => {
    const result = validateRunnerName('', PATTERN);
    expect(!result.ok && result.error.message).toBe(`a runner name is required: ${RULE}`);
  });

  it('echoes a hostile name safely: short, one line, no backtick or Slack markup', () => {
    const result = validateRunnerName('x`<!channel>\n' + 'y'.repeat(100), PATTERN);
    expect(!result.ok && result.error.message).toMatch(/^runner name `x'‹!channel›\?y{27}…` is not valid: /);
  });

  it('applies the configured pattern as well as the label rule', () => {
    expect(validateRunnerName('ci-01', '^ci-[0-9]+$').ok).toBe(true);
    expect(validateRunnerName('ci_01', '^ci_[0-9]+$').ok).toBe(false);
  });

  it('reports a broken pattern as a configuration error', () => {
    expect(validateRunnerName('gitlab-runner-02', '^gitlab-(runner')).toMatchObject({
      ok: false,
      error: {
        code: 'CONFIG.INVALID',
        message: expect.stringMatching(/^runners\.namePattern `\^gitlab-\(runner` is not a valid regular expression: /),
      },
    });
  });
});
