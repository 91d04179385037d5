/**
 * A command may change anything, so what was read ahead before it is dropped; the facts the next
 * tasks read are read right after it, in the command's own exec (src/engine/context.ts,
 * runWithReadsAfter). The command must not notice: what `register` holds is compared, byte for
 * byte, with a run that reads every fact on its own (K8SBM_READ_AHEAD=0), for commands that
 * leave no final newline, write to stderr, fail, print a lot, read stdin, look for the batch's
 * variables or print a line like the batch's frames. The reads after it must see what it did.
 * On this machine itself (the local connection): the same engine path as over SSH, which the
 * read-ahead lab test (read-ahead-lab.test.ts) runs.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { removeTempDir } from '../helpers/temp.js';

const COMMANDS: readonly Record<string, unknown>[] = [
  { shell: "printf 'out\\nno newline'; printf 'err' >&2; exit 3", ignore_errors: true },
  { command: { argv: ['printf', '%s\\n', 'a b', 'c'] } },
  { shell: 'cat; echo "[$k8sbm_m] [$k8sbm_s0] [$#]"' },
  { shell: "echo before; sh -c 'kill -TERM $$'; echo after $?" },
  { shell: "head -c 100000 /dev/zero | tr '\\0' x; printf '\\n%s %s %s\\n' k8sbm-batch-00000000000000000000000000000000 0 0; echo done" },
  { shell: 'printf "to stderr only\\n" >&2' },
  { command: 'false', failed_when: false },
  { command: { argv: ['sh', '-c', 'echo "[$k8sbm_m]"'] } },
];

function play(out: string): string {
  const tasks: Record<string, unknown>[] = [{ name: 'the folder', file: { path: out, state: 'directory' } }];
  COMMANDS.forEach((c, i) => {
    tasks.push({ name: `command ${i}`, ...c, register: `r${i}` });
    // Something to read after each command: the file the next command's neighbour writes.
    tasks.push({ name: `look ${i}`, stat: { path: `${out}/made-${i}` }, register: `s${i}` });
  });
  // A command that makes a file, and one that removes a file a copy then writes again.
  tasks.push({ name: 'make', shell: `echo made > ${out}/made-by-command` });
  tasks.push({ name: 'seen made', stat: { path: `${out}/made-by-command` }, register: 'made' });
  tasks.push({ name: 'kept', copy: { dest: `${out}/kept`, content: 'kept\n' } });
  tasks.push({ name: 'remove', command: `rm -f ${out}/kept` });
  tasks.push({ name: 'kept again', copy: { dest: `${out}/kept`, content: 'kept\n' }, register: 'again' });
  const registered = `{{ {${COMMANDS.map((_, i) => `'r${i}': r${i}, 's${i}': s${i}.stat.exists`).join(', ')}, 'made': made.stat.exists, 'again': again.changed} | to_json }}`;
  tasks.push({ name: 'write what was registered', copy: { dest: `${out}/registered.json`, content: registered } });
  return stringify([{ hosts: 'all', gather_facts: false, tasks }]);
}

describe('reads after a command, in its exec', () => {
  let dir: string;
  const runs: { registered: Record<string, unknown>; execs: Map<string, number> }[] = [];

  before(() => {
    dir = writeTree({ 'inventory.yml': 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n' });
    for (const readAhead of ['1', '0']) {
      const out = join(dir, `out-${readAhead}`);
      const file = join(dir, `play-${readAhead}.yml`);
      writeFileSync(file, play(out));
      const r = k8sbm(['run', '-i', 'inventory.yml', file, '--json'], dir, { K8SBM_READ_AHEAD: readAhead });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const execs = new Map(jsonEvents(r.stdout).filter((e) => e.event === 'task_result').map((e) => [String(e.task), Number(e.execs)]));
      runs.push({ registered: JSON.parse(readFileSync(join(out, 'registered.json'), 'utf8')) as Record<string, unknown>, execs });
    }
  });
  after(() => removeTempDir(dir));

  it('what a command registers is what it registers when run alone', () => {
    const [ahead, alone] = runs;
    assert.deepEqual(ahead!.registered, alone!.registered);
    const r = ahead!.registered;
    assert.equal((r.r0 as { stdout: string }).stdout, 'out\nno newline');
    assert.equal((r.r0 as { rc: number }).rc, 3);
    assert.equal((r.r2 as { stdout: string }).stdout, '[] [] [0]', 'no stdin, none of the batch\'s variables, no arguments');
    assert.match((r.r4 as { stdout: string }).stdout, /k8sbm-batch-0{32} 0 0\ndone$/, 'a line like a frame is the command\'s own output');
    assert.equal((r.r4 as { stdout: string }).stdout.length, 100000 + 1 + 48 + 1 + 4);
    assert.equal((r.r7 as { stdout: string }).stdout, '[]', 'a `sh -c` of the playbook runs as its own shell, not in the batch\'s');
    assert.equal(r.made, true, 'the read after the command saw the file it made');
    assert.equal(r.again, true, 'the file the command removed was written again');
  });

  it('each command is one exec, and the read after it rides along', () => {
    const [ahead, alone] = runs;
    for (let i = 0; i < COMMANDS.length; i++) {
      assert.equal(ahead!.execs.get(`command ${i}`), 1, `command ${i}`);
      assert.equal(ahead!.execs.get(`look ${i}`), 0, `look ${i}: read after command ${i}`);
      assert.equal(alone!.execs.get(`look ${i}`), 1, `look ${i}, every fact read on its own`);
    }
    assert.equal(ahead!.execs.get('seen made'), 0);
  });
});
