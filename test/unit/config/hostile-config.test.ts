// `config check` refuses configuration values that would become shell options, extra lines on the
// VM, or regexes that cannot compile as RE2 (Alertmanager's engine) — with the key and what was
// expected — instead of letting every later change or alert fail.
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';

const EXAMPLE = readFileSync(new URL('../../../runnerbot.example.yaml', import.meta.url), 'utf8');
const SECRETS = { SLACK_BOT_TOKEN: 'xoxb-1-b', SLACK_APP_TOKEN: 'xapp-1-a', ALERTS_TOKEN: 'alerts-token' };

type Editable = {
  provision: Record<string, string | string[]>;
  runners: Record<string, string>;
  alerts: { routes: { matchers: string[] }[] };
};

function check(edit: (config: Editable) => void) {
  const config = parse(EXAMPLE) as Editable;
  edit(config);
  const text = stringify(config);
  return loadConfig(
    SECRETS,
    (path) => {
      if (path === './runnerbot.yaml') return text;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    { role: 'bot' },
  );
}

const problemsOf = (result: ReturnType<typeof check>) =>
  result.ok ? [] : result.error.map((p) => `${p.path ?? ''}: ${p.message}`);

describe('config check on hostile values', () => {
  it('accepts the example', () => {
    expect(problemsOf(check(() => {}))).toEqual([]);
  });

  it.each([
    [
      'provision.nodeExporterPackage',
      (c: Editable) => (c.provision.nodeExporterPackage = '-oDpkg::Pre-Invoke::=touch /pwned'),
      'a Debian package name',
    ],
    [
      'provision.nodeExporterPackage',
      (c: Editable) => (c.provision.nodeExporterPackage = 'node-exporter curl'),
      'a Debian package name',
    ],
    [
      'provision.aptMirror',
      (c: Editable) => (c.provision.aptMirror = 'http://deb.example/debian\ndeb http://evil.example/ x main'),
      'an http(s) URL',
    ],
    ['provision.aptMirror', (c: Editable) => (c.provision.aptMirror = 'file:///etc'), 'an http(s) URL'],
    [
      'provision.dockerAptRepo',
      (c: Editable) => (c.provision.dockerAptRepo = 'https://download.docker.com/linux/debian [trusted=yes]'),
      'an http(s) URL',
    ],
    ...['10.0.0.0/33', '999.1.1.1/8', 'fd00::/129', '10.0.0.0', '10.0.0.0/8/8', 'any'].map(
      (network): [string, (c: Editable) => void, string] => [
        'provision.managementNetworks.0',
        (c) => void (c.provision.managementNetworks = [network]),
        'a network such as 10.0.0.0/8',
      ],
    ),
    ['provision.cadvisorImage', (c: Editable) => (c.provision.cadvisorImage = 'gcr.io/x; reboot'), 'a container image'],
    [
      'runners.namePattern',
      (c: Editable) => (c.runners.namePattern = '^gitlab-runner-(['),
      'is not a valid regular expression',
    ],
    [
      'runners.namePattern',
      (c: Editable) => (c.runners.namePattern = '^(?=gitlab)'),
      'is not a valid regular expression',
    ],
    [
      'alerts.routes.0.matchers.0',
      (c: Editable) => (c.alerts.routes[0]!.matchers = ['instance=~"(?<=x)y"']),
      'has an invalid regular expression',
    ],
    [
      'alerts.routes.0.matchers.0',
      (c: Editable) => (c.alerts.routes[0]!.matchers = ['instance=~"a{1001}"']),
      'has an invalid regular expression',
    ],
    [
      'alerts.routes.0.matchers.0',
      (c: Editable) => (c.alerts.routes[0]!.matchers = ['instance=~"(a)\\\\1"']),
      'has an invalid regular expression',
    ],
  ])('refuses %s, naming it and what was expected', (path, edit, expected) => {
    const problems = problemsOf(check(edit));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(path);
    expect(problems[0]).toContain(expected);
  });

  it('accepts single hosts and IPv6 networks, which ufw prints normalized', () => {
    const networks = ['10.0.2.2/32', 'FD00::9/128', '2001:db8::/32', '0.0.0.0/0'];
    expect(problemsOf(check((c) => (c.provision.managementNetworks = networks)))).toEqual([]);
  });

  it('accepts RE2 syntax JavaScript lacks, as Alertmanager does', () => {
    expect(
      problemsOf(check((c) => (c.alerts.routes[0]!.matchers = ['instance=~"(?i)\\\\Qa.b\\\\E[[:digit:]]+"']))),
    ).toEqual([]);
  });
});
