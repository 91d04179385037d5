import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOptionSpecs, runOptionsOf } from '../../src/cli/main.js';
import { quickParse } from '../../src/cli/options.js';
import { yargs } from '../../src/cli/yargs.js';

/**
 * `k8sbm run|plan` command lines are read without yargs when they are plain enough
 * (src/cli/options.ts): what the quick parser makes of one must be what yargs makes of it, key
 * for key, and what it is not sure of it must leave to yargs.
 */

const specs = await runOptionSpecs();

/** What yargs hands the run command's handler for `k8sbm run ...args`. */
async function byYargs(args: readonly string[]): Promise<Record<string, unknown>> {
  let got: Record<string, unknown> | undefined;
  await yargs(['run', ...args])
    .command('run <playbook>', 'run', (y) => runOptionsOf(y, specs), (a) => { got = { ...a }; })
    .strict()
    .fail((msg, err) => { throw err ?? new Error(msg); })
    .parseAsync();
  assert.ok(got, `yargs ran no handler for ${args.join(' ')}`);
  delete got._;
  delete got.$0;
  return got;
}

const PLAIN: readonly (readonly string[])[] = [
  ['site.yml'],
  ['-i', 'inv.yml', 'site.yml'],
  ['site.yml', '-i', 'a.yml', '-i', 'b.yml'],
  ['--inventory=inv.yml', 'site.yml', '--check', '--diff'],
  ['-CD', 'site.yml'],
  ['-C', '-D', 'plays/site.yml'],
  ['-vv', 'site.yml'],
  ['-v', '-v', '-v', 'site.yml'],
  ['--verbose', 'site.yml', '-v'],
  ['-Cvv', 'site.yml'],
  ['-l', 'node01', '-t', 'a,b', '--skip-tags', 'c', 'site.yml'],
  ['-t', 'a', '-t', 'b', 'site.yml'],
  ['--tags=x', 'site.yml', '--skip-tags=y,z'],
  ['-e', 'x=1', '-e', '@vars.yml', 'site.yml'],
  ['-e', '{"a": [1, 2]}', 'site.yml'],
  ['-f', '5', 'site.yml'],
  ['--forks=10', 'site.yml'],
  ['--connect-timeout', '2.5', 'site.yml'],
  ['--host-key-checking', 'accept-new', 'site.yml'],
  ['--host-key-checking=off', 'site.yml'],
  ['--lab', 'default', 'site.yml'],
  ['--lab=', 'site.yml'],
  ['--limit=', 'site.yml'],
  ['-k', 'key1', '-k', 'key2', 'site.yml'],
  ['site.yml', '--private-key', '~/.ssh/id_ed25519'],
  ['--detailed-exitcode', '--json', '--report', 'r.json', '--junit', 'j.xml', '--report-html', 'r.html', '--report-md', 'r.md', 'site.yml'],
  ['--ask-vault-pass', '--vault-password-file', 'pw', 'site.yml'],
  ['--start-at-task', 'configure sysctl', 'site.yml'],
  ['--syntax-check', 'site.yml'],
  ['--list-hosts', '--list-tasks', 'site.yml'],
  ['-K', '--become-password-file', 'bp', 'site.yml'],
  ['--max-handshakes', '4', '--known-hosts', 'kh', '--ssh-config', 'sc', 'site.yml'],
  ['--roles-path', 'roles', '--roles-path', 'more', 'site.yml'],
  ['-i', 'inv with space.yml', 'my play.yml'],
  ['-l', 'node0[1:3],!node02', 'site.yml'],
  ['123'],
  ['-l', '5', '-e', '0755', '--tags', '1e3', '010'],
];

/** Command lines the quick parser leaves to yargs: help, mistakes, and what yargs reads its own way. */
const FOR_YARGS: readonly (readonly string[])[] = [
  [],
  ['a.yml', 'b.yml'],
  ['--help', 'site.yml'],
  ['site.yml', '-h'],
  ['--version'],
  ['--no-check', 'site.yml'],
  ['--check', 'false', 'site.yml'],
  ['site.yml', '--diff', 'true'],
  ['--bogus', 'site.yml'],
  ['--Check', 'site.yml'],
  ['-iinv.yml', 'site.yml'],
  ['-Ci', 'inv.yml', 'site.yml'],
  ['--', 'site.yml'],
  ['-f', 'five', 'site.yml'],
  ['--forks', '0x10', 'site.yml'],
  ['--forks', '-3', 'site.yml'],
  ['--host-key-checking', 'maybe', 'site.yml'],
  ['--check', '--check', 'site.yml'],
  ['--limit', '-x', 'site.yml'],
  ['--limit=-x', 'site.yml'],
  ['site.yml', '--lab'],
  ['--check=yes', 'site.yml'],
  ['--extraVars', 'a=1', 'site.yml'],
];

describe('run and plan command lines without yargs', () => {
  for (const args of PLAIN) {
    it(`reads ${JSON.stringify(args)} as yargs does`, async () => {
      const quick = quickParse(args, 'playbook', specs);
      assert.ok(quick, 'the quick parser takes it');
      assert.deepEqual(quick, await byYargs(args));
    });
  }
  for (const args of FOR_YARGS) {
    it(`leaves ${JSON.stringify(args)} to yargs`, () => {
      assert.equal(quickParse(args, 'playbook', specs), undefined);
    });
  }
  it('a count, a default and a list come out as yargs has them', () => {
    const a = quickParse(['-vv', '-i', 'a', '-i', 'b', '--forks', '3', 'p.yml'], 'playbook', specs)!;
    assert.equal(a.verbose, 2);
    assert.equal(a.v, 2);
    assert.deepEqual(a.inventory, ['a', 'b']);
    assert.equal(a.forks, 3);
    assert.equal(a.check, false);
    assert.equal(a['skip-tags'], undefined);
    assert.equal(a.playbook, 'p.yml');
  });
});
