import { describe, expect, it } from 'vitest';
import { parseCommandArgv, parseCommandText, USAGE, usageOf, type Command } from '../../../src/core/command.ts';

const NAME = 'gitlab-runner-02';

describe('parseCommandText: what users type', () => {
  it.each<[string, Command]>([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['--help', { kind: 'help' }],
    ['help reprovision', { kind: 'help', topic: 'reprovision' }],
    ['provision --help', { kind: 'help', topic: 'provision' }],
    ['status -h', { kind: 'help', topic: 'status' }],
    ['list', { kind: 'list' }],
    ['LIST', { kind: 'list' }],
    ['scale build=3', { kind: 'scale', profile: 'build', count: 3 }],
    ['scale build=0', { kind: 'scale', profile: 'build', count: 0 }],
    ['pools', { kind: 'pools' }],
    ['status gitlab-runner-02', { kind: 'status', name: NAME }],
    ['audit', { kind: 'audit' }],
    ['doctor', { kind: 'doctor' }],
    ['audit gitlab-runner-02', { kind: 'audit', name: NAME }],
    ['rotate-token gitlab-runner-02', { kind: 'rotate-token', name: NAME, dryRun: false }],
    [
      'rotate-token --all --reason quarterly',
      { kind: 'rotate-token', name: 'all runners', reason: 'quarterly', dryRun: false },
    ],
    ['provision gitlab-runner-02', { kind: 'provision', name: NAME, dryRun: false }],
    // phones capitalise the first word
    ['Provision gitlab-runner-02', { kind: 'provision', name: NAME, dryRun: false }],
    [
      'provision gitlab-runner-02 --profile build --cores 4 --memory 8192 --disk 64 --tags docker,linux --node pve2 --dry-run',
      {
        kind: 'provision',
        name: NAME,
        profile: 'build',
        cores: 4,
        memoryMiB: 8192,
        diskGiB: 64,
        tags: ['docker', 'linux'],
        node: 'pve2',
        dryRun: true,
      },
    ],
    ['provision --dry-run gitlab-runner-02', { kind: 'provision', name: NAME, dryRun: true }],
    [
      'provision gitlab-runner-02 --profile=build --cores=2',
      { kind: 'provision', name: NAME, profile: 'build', cores: 2, dryRun: false },
    ],
    // em-dash and en-dash from autocorrect, smart quotes, non-breaking spaces
    [
      'provision gitlab-runner-02 —profile build –cores 2',
      { kind: 'provision', name: NAME, profile: 'build', cores: 2, dryRun: false },
    ],
    ['provision gitlab-runner-02 —dry-run', { kind: 'provision', name: NAME, dryRun: true }],
    [
      'provision “gitlab-runner-02” --profile ‘build’',
      { kind: 'provision', name: NAME, profile: 'build', dryRun: false },
    ],
    ['provision\u00a0gitlab-runner-02\t--cores\u00a02', { kind: 'provision', name: NAME, cores: 2, dryRun: false }],
    [
      'provision gitlab-runner-02 --tags "docker, linux,,gpu"',
      { kind: 'provision', name: NAME, tags: ['docker', 'linux', 'gpu'], dryRun: false },
    ],
    // memory and disk with units
    [
      'provision gitlab-runner-02 --memory 8G --disk 1T',
      { kind: 'provision', name: NAME, memoryMiB: 8192, diskGiB: 1024, dryRun: false },
    ],
    [
      'provision gitlab-runner-02 --memory 4096MiB --disk 80GiB',
      { kind: 'provision', name: NAME, memoryMiB: 4096, diskGiB: 80, dryRun: false },
    ],
    ['provision gitlab-runner-02 --memory 16gb', { kind: 'provision', name: NAME, memoryMiB: 16384, dryRun: false }],
    ['deprovision gitlab-runner-02', { kind: 'deprovision', name: NAME, dryRun: false }],
    ['deprovision gitlab-runner-02 --dry-run', { kind: 'deprovision', name: NAME, dryRun: true }],
    [
      'reprovision gitlab-runner-02 --profile large',
      { kind: 'reprovision', name: NAME, profile: 'large', dryRun: false },
    ],
  ])('%j', (text, expected) => {
    expect(parseCommandText(text)).toEqual({ ok: true, value: expected });
  });
});

describe('parseCommandText: --reason', () => {
  it.each<[string, Command]>([
    [
      'deprovision gitlab-runner-02 --reason disk is failing',
      { kind: 'deprovision', name: NAME, reason: 'disk is failing', dryRun: false },
    ],
    // the rest of the line, as typed: apostrophes, quotes, dashes and options included
    [
      'deprovision gitlab-runner-02 --reason it won’t boot — see "INC-42" --dry-run',
      { kind: 'deprovision', name: NAME, reason: 'it won\'t boot — see "INC-42" --dry-run', dryRun: false },
    ],
    [
      'reprovision gitlab-runner-02 --reason “disk full” --profile big --dry-run',
      { kind: 'reprovision', name: NAME, reason: 'disk full', profile: 'big', dryRun: true },
    ],
    [
      "reprovision gitlab-runner-02 --reason 'disk full'",
      { kind: 'reprovision', name: NAME, reason: 'disk full', dryRun: false },
    ],
    [
      'reprovision gitlab-runner-02 --reason=disk is full',
      { kind: 'reprovision', name: NAME, reason: 'disk is full', dryRun: false },
    ],
    [
      'reprovision gitlab-runner-02 --reason="disk is full" --dry-run',
      { kind: 'reprovision', name: NAME, reason: 'disk is full', dryRun: true },
    ],
    [
      'reprovision gitlab-runner-02 --in-place --reason "no room"',
      { kind: 'reprovision', name: NAME, reason: 'no room', inPlace: true, dryRun: false },
    ],
    // Slack escapes &, < and > in command text
    [
      'deprovision gitlab-runner-02 --reason load &gt; 90% &amp; rising',
      { kind: 'deprovision', name: NAME, reason: 'load > 90% & rising', dryRun: false },
    ],
    [
      'deprovision gitlab-runner-02 --reason "unclosed text',
      { kind: 'deprovision', name: NAME, reason: 'unclosed text', dryRun: false },
    ],
  ])('%j', (text, expected) => {
    expect(parseCommandText(text)).toEqual({ ok: true, value: expected });
  });
});

describe('parseCommandText: mistakes name the wrong part', () => {
  it.each([
    ['provision gitlab-runner-02 --cores four', '`--cores` expects a whole number, got `four`'],
    ['provision gitlab-runner-02 --cores 2.5', '`--cores` expects a whole number, got `2.5`'],
    ['provision gitlab-runner-02 --cores -4', '`--cores` expects a whole number, got `-4`'],
    [
      'provision gitlab-runner-02 --cores 99999999999999999999',
      '`--cores` expects a whole number, got `99999999999999999999`',
    ],
    [
      'provision gitlab-runner-02 --memory lots',
      '`--memory` expects MiB as a whole number (or with a unit, like 8G), got `lots`',
    ],
    [
      'provision gitlab-runner-02 --disk 50M',
      '`--disk` expects GiB as a whole number (or with a unit, like 1T), got `50M`',
    ],
    ['provision gitlab-runner-02 --tags ,', '`--tags` expects comma-separated tags (like docker,linux), got `,`'],
    ['provision gitlab-runner-02 --profile', '`--profile` expects a profile name'],
    ['provision gitlab-runner-02 --profile --dry-run', '`--profile` expects a profile name'],
    ['provision gitlab-runner-02 --node ""', '`--node` expects a Proxmox node name'],
    ['provision gitlab-runner-02 --prfile build', 'unknown option `--prfile`; did you mean `--profile`?'],
    ['provision gitlab-runner-02 --dryrun', 'unknown option `--dryrun`; did you mean `--dry-run`?'],
    ['provision gitlab-runner-02 -p build', 'unknown option `-p`; did you mean `--profile`?'],
    [
      'provision gitlab-runner-02 --force',
      'unknown option `--force`; `provision` takes --profile, --cores, --memory, --disk, --tags, --node, --dry-run',
    ],
    ['list --all', '`--all` does not apply to `list`'],
    ['rotate-token', '`rotate-token` takes one runner name or `--all`'],
    ['rotate-token gitlab-runner-02 --all', '`rotate-token` takes one runner name or `--all`'],
    ['rotate-token --all=yes', '`--all` takes no value'],
    ['rotate-token --all --dry-run', '`--dry-run` does not apply to `rotate-token`'],
    ['deprovision gitlab-runner-02 --cores 2', '`--cores` does not apply to `deprovision`'],
    ['provision gitlab-runner-02 --reason why', '`--reason` does not apply to `provision`'],
    ['status gitlab-runner-02 --dry-run', '`--dry-run` does not apply to `status`'],
    ['provision gitlab-runner-02 --cores 2 --cores 4', '`--cores` is given twice'],
    ['provision gitlab-runner-02 --dry-run=yes', '`--dry-run` takes no value'],
    ['reprovision gitlab-runner-02 --in-place=yes', '`--in-place` takes no value'],
    ['deprovision gitlab-runner-02 --in-place', '`--in-place` does not apply to `deprovision`'],
    ['provision', '`provision` needs a runner name'],
    ['provision --dry-run', '`provision` needs a runner name'],
    ['status', '`status` needs a runner name'],
    ['provision ""', '`provision` needs a runner name'],
    ['provision gitlab-runner-02 gitlab-runner-03', 'unexpected `gitlab-runner-03`: `provision` takes one runner name'],
    ['provision gitlab-runner-02 --tags docker, linux', 'unexpected `linux`: `provision` takes one runner name'],
    ['list everything', 'unexpected `everything`: `list` takes no arguments'],
    ['audit a b', 'unexpected `b`: `audit` takes at most one runner name'],
    ['provision "gitlab-runner-02', 'the quote in `gitlab-runner-02` is never closed'],
    ['provision gitlab-runner-02 --profile "build', 'the quote in `build` is never closed'],
    ['deprovision gitlab-runner-02 --reason', '`--reason` expects some text'],
    ['deprovision gitlab-runner-02 --reason --dry-run', '`--reason` expects some text'],
    ['deprovision gitlab-runner-02 --reason ""', '`--reason` expects some text'],
    [`deprovision gitlab-runner-02 --reason ${'x'.repeat(501)}`, '`--reason` is too long: at most 500 characters'],
  ])('%j -> %s', (text, message) => {
    const result = parseCommandText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('COMMAND.USAGE');
    expect(result.error.message).toBe(message);
    const sub = text.split(' ')[0] as Parameters<typeof usageOf>[0];
    expect(result.error.usage).toBe(usageOf(sub));
  });

  it('carries the usage of the subcommand', () => {
    const result = parseCommandText('provision gitlab-runner-02 --cores four');
    expect(!result.ok && result.error.usage).toBe(
      'Usage: /runner provision NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]\n' +
        "  create a runner VM from a profile; --memory takes MiB (or 8G), --disk GiB, --tags are added to the profile's",
    );
  });

  it('keeps echoed input short and inert', () => {
    const result = parseCommandText(`provision gitlab-runner-02 --cores <!channel>${'9'.repeat(60)}`);
    expect(!result.ok && result.error.message).toBe(
      `\`--cores\` expects a whole number, got \`‹!channel›${'9'.repeat(30)}…\``,
    );
  });
});

describe('parseCommandText: unknown subcommands', () => {
  it.each([
    ['provison gitlab-runner-02', 'unknown command `provison`; did you mean `provision`?'],
    ['reprovison gitlab-runner-02', 'unknown command `reprovison`; did you mean `reprovision`?'],
    ['stauts gitlab-runner-02', 'unknown command `stauts`; did you mean `status`?'],
    ['lsit', 'unknown command `lsit`; did you mean `list`?'],
    ['delete gitlab-runner-02', 'unknown command `delete`; did you mean `deprovision`?'],
    ['destroy gitlab-runner-02', 'unknown command `destroy`; did you mean `deprovision`?'],
    ['rebuild gitlab-runner-02', 'unknown command `rebuild`; did you mean `reprovision`?'],
    ['create gitlab-runner-02', 'unknown command `create`; did you mean `provision`?'],
    ['ls', 'unknown command `ls`; did you mean `list`?'],
    ['resize build=3', 'unknown command `resize`; did you mean `scale`?'],
    [
      'frobnicate',
      'unknown command `frobnicate`; the commands are provision, reprovision, deprovision, rotate-token, scale, pools, list, status, audit, doctor and help',
    ],
    [
      'gitlab-runner-02',
      'unknown command `gitlab-runner-02`; the commands are provision, reprovision, deprovision, rotate-token, scale, pools, list, status, audit, doctor and help',
    ],
    ['help provison', 'unknown command `provison`; did you mean `provision`?'],
  ])('%j -> %s', (text, message) => {
    expect(parseCommandText(text)).toEqual({ ok: false, error: { code: 'COMMAND.UNKNOWN', message, usage: USAGE } });
  });
});

describe('parseCommandText: scale', () => {
  it.each([
    ['scale', '`scale` needs PROFILE=N (like build=3)'],
    ['scale build', '`scale` expects PROFILE=N (like build=3), got `build`'],
    ['scale build=3 deploy=1', 'unexpected `deploy=1`: `scale` takes one PROFILE=N'],
    ['scale build=3 --dry-run', '`--dry-run` does not apply to `scale`'],
  ])('%j -> %s', (text, message) => {
    const parsed = parseCommandText(text, { namePattern: '^gitlab-runner-[a-z0-9-]+$' });
    expect(parsed.ok ? null : { code: parsed.error.code, message: parsed.error.message }).toEqual({
      code: 'COMMAND.USAGE',
      message,
    });
  });
});

describe('parseCommandText with the name policy', () => {
  const options = { namePattern: '^gitlab-runner-[a-z0-9-]+$' };

  it('accepts a good name', () => {
    expect(parseCommandText('status gitlab-runner-02', options)).toEqual({
      ok: true,
      value: { kind: 'status', name: NAME },
    });
  });

  it.each([
    ['provision Foo_1', 'Foo_1'],
    ['provision "gitlab-runner-02;reboot"', 'gitlab-runner-02;reboot'],
    ['deprovision "gitlab-runner-$(reboot)"', 'gitlab-runner-$(reboot)'],
    ['status gitlab-runner-02.example.com', 'gitlab-runner-02.example.com'],
    [`reprovision gitlab-runner-${'a'.repeat(50)}`, `gitlab-runner-${'a'.repeat(26)}…`],
    ['audit build-01', 'build-01'],
  ])('refuses %j before anything happens', (text, shown) => {
    const result = parseCommandText(text, options);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'RUNNER.NAME_INVALID',
        message: `runner name \`${shown}\` is not valid: use lower-case letters, digits and '-' (at most 63 characters), matching ^gitlab-runner-[a-z0-9-]+$`,
      },
    });
  });

  it('reports a broken pattern as a configuration error', () => {
    expect(parseCommandText('status gitlab-runner-02', { namePattern: '(' })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG.INVALID' },
    });
  });
});

describe('parseCommandArgv: the CLI', () => {
  it.each<[string[], Command]>([
    [[], { kind: 'help' }],
    [
      ['provision', NAME, '--profile', 'build', '--dry-run'],
      { kind: 'provision', name: NAME, profile: 'build', dryRun: true },
    ],
    [
      ['deprovision', NAME, '--reason', 'disk full', '--dry-run'],
      { kind: 'deprovision', name: NAME, reason: 'disk full', dryRun: true },
    ],
    [
      ['reprovision', NAME, '--reason=it\'s "broken"'],
      { kind: 'reprovision', name: NAME, reason: 'it\'s "broken"', dryRun: false },
    ],
    [['provision', NAME, '--tags', 'a&b'], { kind: 'provision', name: NAME, tags: ['a&b'], dryRun: false }],
    [['provision', NAME, '—cores', '2'], { kind: 'provision', name: NAME, cores: 2, dryRun: false }],
    [['list'], { kind: 'list' }],
  ])('%j', (argv, expected) => {
    expect(parseCommandArgv(argv)).toEqual({ ok: true, value: expected });
  });

  it('refuses what a shell passed through as one word', () => {
    expect(parseCommandArgv(['deprovision', NAME, '--reason', 'disk', 'full'])).toMatchObject({
      ok: false,
      error: { code: 'COMMAND.USAGE', message: 'unexpected `full`: `deprovision` takes one runner name' },
    });
  });

  it('shows the CLI spelling in the usage', () => {
    const result = parseCommandArgv(['provision', NAME, '--cores', 'x']);
    expect(!result.ok && result.error.usage).toBe(usageOf('provision', 'runnerbot'));
    expect(usageOf('provision', 'runnerbot')).toMatch(/^Usage: runnerbot provision NAME /);
  });

  it('validates names with the policy', () => {
    expect(parseCommandArgv(['provision', 'gitlab-runner-02 ;id'], { namePattern: '^gitlab-runner-' })).toMatchObject({
      ok: false,
      error: { code: 'RUNNER.NAME_INVALID' },
    });
  });
});

describe('USAGE', () => {
  it('lists every subcommand with its options', () => {
    for (const line of [
      '/runner provision NAME [--profile P] [--cores N] [--memory MiB] [--disk GiB] [--tags a,b] [--node X] [--dry-run]',
      '/runner reprovision NAME [--profile P] [--reason TEXT] [--in-place] [--dry-run]',
      '/runner deprovision NAME [--reason TEXT] [--dry-run]',
      '/runner list',
      '/runner status NAME',
      '/runner audit [NAME]',
      '/runner doctor',
      '/runner help [COMMAND]',
    ]) {
      expect(USAGE.split('\n')).toContain(line);
    }
  });
});

describe('hostile command text', () => {
  it('refuses text past MAX_COMMAND_CHARS before parsing it, saying how long it was', () => {
    expect(parseCommandText(`${'a'.repeat(1_000_000)} x`)).toMatchObject({
      ok: false,
      error: { code: 'COMMAND.USAGE', message: 'the command is 1000002 characters long; at most 2000 are accepted' },
    });
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty'])('suggests no prototype property for %s', (word) => {
    const result = parseCommandText(word);
    expect(!result.ok && result.error.message).toBe(
      `unknown command \`${word}\`; the commands are provision, reprovision, deprovision, rotate-token, scale, pools, list, status, audit, doctor and help`,
    );
  });
});
