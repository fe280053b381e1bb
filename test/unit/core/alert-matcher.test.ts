import { describe, expect, it } from 'vitest';
import { matches, parseMatcher, parseMatchers, type Matcher } from '../../../src/core/alerts/matcher.ts';

const parse = (text: string): Matcher => {
  const result = parseMatcher(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

describe('parseMatcher', () => {
  it.each([
    ['severity="critical"', 'severity', '=', 'critical'],
    ['severity!="info"', 'severity', '!=', 'info'],
    ['alertname=~"Runner.*"', 'alertname', '=~', 'Runner.*'],
    ['alertname!~"Watchdog|InfoInhibitor"', 'alertname', '!~', 'Watchdog|InfoInhibitor'],
    ['severity=critical', 'severity', '=', 'critical'],
    ['  team = "infra"  ', 'team', '=', 'infra'],
    ['team=', 'team', '=', ''],
    ['team=""', 'team', '=', ''],
    ['q="a\\"b"', 'q', '=', 'a"b'],
    ['q="back\\\\slash"', 'q', '=', 'back\\slash'],
    ['q="line\\nbreak"', 'q', '=', 'line\nbreak'],
    ['q="\\d+"', 'q', '=', '\\d+'], // unknown escapes stay as written
    ['q=a,b', 'q', '=', 'a,b'],
    ['_private:x="1"', '_private:x', '=', '1'],
    ['job="a b c"', 'job', '=', 'a b c'],
    ['q==x', 'q', '=', '=x'], // as Alertmanager reads it
  ])('%s', (text, name, op, value) => {
    expect(parse(text)).toMatchObject({ name, op, value });
  });

  it.each([
    ['severity', 'is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"'],
    ['="x"', 'is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"'],
    ['1abc="x"', 'is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"'],
    ['sev-erity="x"', 'is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"'],
    ['a="b" c', 'has text after the closing quote'],
    ['a=b"c', 'has a double quote inside an unquoted value'],
    ['a="b', 'has an opening quote that is never closed'],
    ['a="b\\"', 'has an opening quote that is never closed'],
  ])('refuses %s', (text, why) => {
    expect(parseMatcher(text)).toEqual({
      ok: false,
      error: { code: 'CONFIG.INVALID', message: `matcher \`${text}\` ${why}` },
    });
  });

  it.each(['a=~"(?=b)"', 'a=~"(b)\\1"', 'a=~"b{1001}"'])(
    'refuses %s, which RE2 (and so Alertmanager) rejects',
    (text) => {
      expect(parseMatcher(text)).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining('has an invalid regular expression') },
      });
    },
  );

  it('refuses a regex that does not compile, saying why', () => {
    expect(parseMatcher('a=~"(b"')).toMatchObject({
      ok: false,
      error: {
        code: 'CONFIG.INVALID',
        message: expect.stringMatching(/^matcher `a=~"\(b"` has an invalid regular expression: /),
      },
    });
  });
});

describe('matches', () => {
  it.each([
    ['severity="critical"', { severity: 'critical' }, true],
    ['severity="critical"', { severity: 'critical-ish' }, false],
    ['severity="critical"', {}, false],
    ['severity=""', {}, true], // a missing label is the empty string
    ['severity!="info"', {}, true],
    ['severity!="info"', { severity: 'info' }, false],
    ['severity=~"crit|page"', { severity: 'crit' }, true],
    ['severity=~"crit|page"', { severity: 'critical' }, false], // anchored at both ends
    ['severity=~"crit|page"', { severity: 'xpage' }, false],
    ['severity=~".*"', {}, true],
    ['severity=~".+"', {}, false],
    ['host!~"gitlab-.*"', { host: 'gitlab-1' }, false],
    ['host!~"gitlab-.*"', { host: 'other' }, true],
    ['host!~"gitlab-.*"', {}, true],
    ['env=~"(?i)PROD"', { env: 'prod' }, true],
    ['env=~"PROD"', { env: 'prod' }, false],
    ['instance=~"gitlab-runner-\\\\d+:9100"', { instance: 'gitlab-runner-02:9100' }, true],
    ['q="a\\"b"', { q: 'a"b' }, true],
    ['toString=""', {}, true], // no prototype properties
    ['host=~"a.b"', { host: 'a.b\n' }, false], // RE2's $ is the end of the text, not before a final newline
    ['host=~"\\Qa.b\\E"', { host: 'a.b' }, true], // RE2 syntax JavaScript lacks
    ['host=~"\\Qa.b\\E"', { host: 'axb' }, false],
    ['instance=~"(\\w+\\.?)+:9100"', { instance: `${'a'.repeat(5000)}!` }, false], // linear time: no backtracking blow-up
  ])('%s on %j -> %s', (text, labels, expected) => {
    expect(matches(parse(text), labels)).toBe(expected);
  });
});

describe('parseMatchers', () => {
  it.each([
    [
      '{alertname="A", x=~"b.*"}',
      [
        ['alertname', '=', 'A'],
        ['x', '=~', 'b.*'],
      ],
    ],
    [
      'alertname="A",severity!="info"',
      [
        ['alertname', '=', 'A'],
        ['severity', '!=', 'info'],
      ],
    ],
    [
      'q="a,b", r="c\\",d"',
      [
        ['q', '=', 'a,b'],
        ['r', '=', 'c",d'],
      ],
    ],
    ['{}', []],
    ['a="1",', [['a', '=', '1']]],
  ])('%s', (text, expected) => {
    const result = parseMatchers(text);
    expect(result.ok && result.value.map((m) => [m.name, m.op, m.value])).toEqual(expected);
  });

  it('names the bad one', () => {
    expect(parseMatchers('a="1", b')).toEqual({
      ok: false,
      error: {
        code: 'CONFIG.INVALID',
        message: 'matcher ` b` is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"',
      },
    });
  });
});
