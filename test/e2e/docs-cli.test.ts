import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_BEGIN, CLI_END, commandsIn, helpFromCli, renderCliReference, walkCommands } from '../../src/docs/cli.js';
import { replaceMarkedSection } from '../../src/docs/modules.js';
import { repoRoot } from '../helpers/paths.js';

/** docs/cli.md holds the help of every command the CLI has, as the built CLI prints it. */

const helpOf = helpFromCli(join(repoRoot, 'bin', 'k8sbm.js'));

describe('the command reference in docs/cli.md', () => {
  it('is what the CLI prints today (else: run npm run docs)', () => {
    const page = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
    const expected = replaceMarkedSection(page, renderCliReference(helpOf), { begin: CLI_BEGIN, end: CLI_END });
    assert.ok(page === expected, 'docs/cli.md\'s command reference is out of date: run npm run docs');
  });

  it('covers every command, subcommands included, and every option of run', () => {
    const commands = walkCommands(helpOf).map((c) => c.command.join(' '));
    for (const c of ['', 'run', 'plan', 'exec', 'inventory', 'vars', 'facts', 'schema', 'graph', 'lab', 'lab up', 'lab down', 'lab status']) {
      assert.ok(commands.includes(c), `no help for "k8sbm ${c}" in the walk: ${commands.join(', ')}`);
    }
    const page = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
    for (const flag of ['--inventory', '--lab', '--limit', '--check', '--diff', '--extra-vars', '--detailed-exitcode', '--private-key', '--connect-timeout']) {
      assert.ok(page.slice(page.indexOf('### `k8sbm run`')).includes(flag), `docs/cli.md: k8sbm run has no ${flag}`);
    }
  });
});

describe('commandsIn', () => {
  it('reads command paths from a help text, without placeholders or wrapped descriptions', () => {
    const help = [
      'k8sbm <command> [options]', '', 'Commands:',
      '  k8sbm run <playbook>              run a playbook',
      '  k8sbm vars <host> [var] [pb]      each variable and where it came from, a description that',
      '                                    wraps onto a second line',
      '  k8sbm lab                         local test nodes', '',
      'Options:', '  -h, --help  Show help',
    ].join('\n');
    assert.deepEqual(commandsIn(help), [['run'], ['vars'], ['lab']]);
    assert.deepEqual(commandsIn('k8sbm lab\n\nCommands:\n  k8sbm lab up    start\n  k8sbm lab down  stop\n'), [['lab', 'up'], ['lab', 'down']]);
    assert.deepEqual(commandsIn('k8sbm run <playbook>\n\nOptions:\n  -C, --check\n'), []);
  });
});
