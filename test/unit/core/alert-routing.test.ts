import { describe, expect, it } from 'vitest';
import { compileRoutes, routeAlertGroup, type AlertGroup, type AlertRoute } from '../../../src/core/alerts/routing.ts';

const routes: AlertRoute[] = [
  { matchers: ['alertname=~"Watchdog|InfoInhibitor"'], channel: 'CNULL' },
  { matchers: ['severity="critical"'], channel: 'CONCALL', continue: true },
  { matchers: ['team="ci"'], channel: 'CCI' },
  { matchers: ['alertname=~"Runner.*"', 'severity!="info"'], channel: 'CRUNNERS' },
  { matchers: ['team="ci"', 'severity="critical"'], channel: 'CCI' },
];

const group = (...alerts: Record<string, string>[]): AlertGroup => ({ alerts: alerts.map((labels) => ({ labels })) });

describe('routeAlertGroup', () => {
  it.each<[string, AlertGroup, string[]]>([
    ['the first matching route wins', group({ alertname: 'Watchdog', severity: 'critical' }), ['CNULL']],
    [
      'continue goes on to the next match',
      group({ alertname: 'RunnerDown', severity: 'critical' }),
      ['CONCALL', 'CRUNNERS'],
    ],
    [
      'and stops at the first without continue',
      group({ alertname: 'RunnerDown', severity: 'critical', team: 'ci' }),
      ['CONCALL', 'CCI'],
    ],
    ['every matcher of a route must match', group({ alertname: 'RunnerDown', severity: 'info' }), ['CDEFAULT']],
    ['no route matches -> the default', group({ alertname: 'Other' }), ['CDEFAULT']],
    [
      'one matching alert among several is enough',
      group({ alertname: 'RunnerDown', severity: 'warning' }, { alertname: 'RunnerDown', severity: 'critical' }),
      ['CONCALL', 'CRUNNERS'],
    ],
    [
      'an alert must match all matchers by itself',
      group({ alertname: 'RunnerDown', severity: 'info' }, { alertname: 'Disk', severity: 'warning' }),
      ['CDEFAULT'],
    ],
  ])('%s', (_, input, expected) => {
    expect(routeAlertGroup(input, routes, 'CDEFAULT')).toEqual(expected);
  });

  it('lists a channel once even when several routes send there', () => {
    const twice: AlertRoute[] = [
      { matchers: ['team="ci"'], channel: 'CCI', continue: true },
      { matchers: ['severity="critical"'], channel: 'CCI', continue: true },
      { matchers: [], channel: 'CALL' },
    ];
    expect(routeAlertGroup(group({ team: 'ci', severity: 'critical' }), twice, 'CDEFAULT')).toEqual(['CCI', 'CALL']);
  });

  it('a route without matchers catches everything', () => {
    expect(routeAlertGroup(group({ anything: 'x' }), [{ matchers: [], channel: 'CALL' }], 'CDEFAULT')).toEqual([
      'CALL',
    ]);
  });

  it('without a default channel an unmatched group goes nowhere', () => {
    expect(routeAlertGroup(group({ alertname: 'Other' }), routes)).toEqual([]);
    expect(routeAlertGroup(group({ alertname: 'Other' }), [])).toEqual([]);
  });

  it('judges a group without alerts by its common and group labels', () => {
    expect(
      routeAlertGroup(
        { groupLabels: { alertname: 'RunnerDown' }, commonLabels: { severity: 'critical' }, alerts: [] },
        routes,
        'CDEFAULT',
      ),
    ).toEqual(['CONCALL', 'CRUNNERS']);
  });

  it('reads common labels into each alert, as Alertmanager sends both', () => {
    expect(routeAlertGroup({ commonLabels: { team: 'ci' }, alerts: [{ labels: { alertname: 'X' } }] }, routes)).toEqual(
      ['CCI'],
    );
  });

  it('takes routes compiled once, with the same result', () => {
    const compiled = compileRoutes(routes);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const input = group({ alertname: 'RunnerDown', severity: 'critical' });
    expect(routeAlertGroup(input, compiled.value, 'CDEFAULT')).toEqual(routeAlertGroup(input, routes, 'CDEFAULT'));
  });

  it('throws CONFIG.INVALID for a matcher that does not parse', () => {
    expect(() => routeAlertGroup(group({}), [{ matchers: ['nope'], channel: 'C1' }])).toThrow(
      expect.objectContaining({
        code: 'CONFIG.INVALID',
        message: expect.stringContaining('alerts.routes[0].matchers[0]: matcher `nope`'),
      }),
    );
  });
});

describe('compileRoutes', () => {
  it('fills in continue and parses each matcher', () => {
    const result = compileRoutes([{ matchers: ['a="1"'], channel: 'C1' }]);
    expect(result).toMatchObject({
      ok: true,
      value: [{ channel: 'C1', continue: false, matchers: [{ name: 'a', op: '=', value: '1' }] }],
    });
  });

  it('names the bad matcher by its path in the configuration', () => {
    expect(
      compileRoutes([
        { matchers: ['a="1"'], channel: 'C1' },
        { matchers: ['b="2"', 'c=~"("'], channel: 'C2' },
      ]),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'CONFIG.INVALID',
        message: expect.stringMatching(
          /^alerts\.routes\[1\]\.matchers\[1\]: matcher `c=~"\("` has an invalid regular expression: /,
        ),
      },
    });
  });
});
