/**
 * Facts read ahead (src/engine/fact-batch.ts) on two lab nodes, through the CLI: a converged
 * 30-task play costs two execs per host in all (the run lock's, with every task's facts riding
 * along, and its release; a plan only the first); and a first run, where tasks
 * read what earlier tasks changed, ends exactly as it would with every fact read on its own:
 * a line added to a file made just before, a file a command made found in place, a file copied
 * seen as copied, a file in a folder made just before.
 */
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { startLab, type TestLab } from '../helpers/lab.js';

const DIR = '/etc/k8sbm-read-ahead';

let lab: TestLab;
before(async () => { lab = await startLab({ name: 'readahead', nodes: 2 }); });
after(async () => { await lab?.down(); });

/** Thirty tasks: independent files of every file module, sysctl, commands with creates, and the dependent pairs. */
function tasks(): Record<string, unknown>[] {
  const t: Record<string, unknown>[] = [{ name: 'the folder', file: { path: DIR, state: 'directory', mode: '0750' } }];
  for (let i = 0; i < 8; i++) t.push({ name: `copy ${i}`, copy: { dest: `${DIR}/copy-${i}.conf`, content: `copy=${i}\n`, mode: '0640' } });
  for (let i = 0; i < 4; i++) t.push({ name: `template ${i}`, template: { src: 'read-ahead.conf.j2', dest: `${DIR}/template-${i}.conf` }, vars: { n: i } });
  for (let i = 0; i < 3; i++) t.push({ name: `lineinfile ${i}`, lineinfile: { path: `${DIR}/line-${i}.conf`, line: `line=${i}`, create: true } });
  t.push({ name: 'blockinfile', blockinfile: { path: `${DIR}/block.conf`, block: 'a=1\nb=2', create: true } });
  t.push({ name: 'sysctl', sysctl: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/97-k8sbm-read-ahead.conf' } });
  t.push({ name: 'command with creates', command: { cmd: `touch ${DIR}/touched`, creates: `${DIR}/touched` } });
  // Dependent pairs: each second task reads what the first one changed.
  t.push({ name: 'a made with a line', lineinfile: { path: `${DIR}/a.conf`, line: 'x=1', create: true } });
  t.push({ name: 'a second line into a', lineinfile: { path: `${DIR}/a.conf`, line: 'y=2' } });
  t.push({ name: 'a command makes a file', command: { cmd: `sh -c 'printf "made\\n" > ${DIR}/by-command'`, creates: `${DIR}/by-command` } });
  t.push({ name: 'the file the command made', copy: { dest: `${DIR}/by-command`, content: 'made\n' }, register: 'made' });
  t.push({ name: 'it was there already', assert: { that: ['not made.changed'] } });
  t.push({ name: 'copy b', copy: { dest: `${DIR}/b.conf`, content: 'bb\n', mode: '0600' } });
  t.push({ name: 'look at b', stat: { path: `${DIR}/b.conf` }, register: 'b' });
  t.push({ name: 'b is there as copied', assert: { that: ['b.stat.exists', 'b.stat.size == 3', 'b.stat.mode == "0600"'] } });
  t.push({ name: 'an empty file', copy: { dest: `${DIR}/empty`, content: '' } });
  t.push({ name: 'a sub-folder', file: { path: `${DIR}/sub`, state: 'directory' } });
  t.push({ name: 'a file in it', copy: { dest: `${DIR}/sub/c.conf`, content: 'c\n' } });
  return t;
}

function project(): string {
  const play = [{ name: 'read ahead', hosts: 'all', gather_facts: false, tasks: tasks() }];
  return writeTree({ 'site.yml': stringify(play), 'templates/read-ahead.conf.j2': 'host={{ inventory_hostname }} n={{ n }}\n' });
}

describe('facts read ahead on lab nodes', () => {
  let dir: string;
  const args = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--json'];
  const root = (n: string): string => nodeRootPath(lab.lab, n);

  it('the play has thirty tasks', () => {
    assert.equal(tasks().length, 30);
  });

  it('first run: tasks that read what earlier tasks changed see the change; about one exec per change', (t) => {
    dir = project();
    const r = k8sbm(['run', 'site.yml', ...args()], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const recap = recapOf(r.stdout);
    const execs = jsonEvents(r.stdout).find((e) => e.event === 'recap')!.execs as Record<string, number>;
    t.diagnostic(lab.nodes.map((n) => `${n.name}: ${recap[n.name]!.changed} changed, ${execs[n.name]} execs`).join('; '));
    // Each change is one exec (its facts came in a batch, or after the command before it): the
    // run lock and its release, sysctl's own two reads, the creates check after sysctl dropped
    // everything, and one batch where the look-ahead fell short add six. Each fact read alone
    // would add one exec per task (about 56 here).
    for (const n of lab.nodes) assert.ok(execs[n.name]! <= recap[n.name]!.changed + 6, `${n.name}: ${execs[n.name]} execs for ${recap[n.name]!.changed} changes`);
    // Most execs open no sshd session: k8sbm's own commands (fact reads, uploads, mkdir) run in
    // one shell per host. Channels: the run lock's (with the first facts) and its release, the
    // first batch after a change, the shell and its watcher, the two commands and sysctl's
    // apply: 8. Without the shell, every exec is a channel (about 40).
    const channels = jsonEvents(r.stdout).find((e) => e.event === 'recap')!.channels as Record<string, number>;
    t.diagnostic(lab.nodes.map((n) => `${n.name}: ${channels[n.name]} channels`).join('; '));
    for (const n of lab.nodes) assert.ok(channels[n.name]! <= 10, `${n.name}: ${channels[n.name]} channels for ${execs[n.name]} execs`);
    // An upload reads its file back in the same exec: the next task that reads that file sends nothing for it.
    const taskExecs = (task: string): number[] => jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.task === task).map((e) => Number(e.execs));
    t.diagnostic(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.host === 'node01').map((e) => `${String(e.task)}: ${String(e.execs)}`).join(', '));
    assert.deepEqual(taskExecs('a second line into a'), [1, 1], 'its read answered by the first line\'s upload; its own upload');
    assert.deepEqual(taskExecs('look at b'), [0, 0], 'stat of b answered by the copy\'s upload');
    // What was read of paths below a folder before it was made stays true below it: missing.
    assert.deepEqual(taskExecs('copy 0'), [1, 1], 'the folder made just before: its upload only');
    // A command may change anything: the next tasks' facts are read right after it, in its own exec.
    assert.deepEqual(taskExecs('a command makes a file'), [1, 1], 'the command, and the reads after it');
    assert.deepEqual(taskExecs('the file the command made'), [0, 0], 'read after the command, in its exec');
    for (const n of lab.nodes.map((x) => x.name)) {
      assert.equal(readFileSync(join(root(n), DIR, 'a.conf'), 'utf8'), 'x=1\ny=2\n', `${n}: the line went into the copied file`);
      assert.equal(readFileSync(join(root(n), DIR, 'by-command'), 'utf8'), 'made\n');
      assert.ok(existsSync(join(root(n), DIR, 'empty')), `${n}: the empty file`);
      assert.equal(readFileSync(join(root(n), DIR, 'sub/c.conf'), 'utf8'), 'c\n');
      assert.equal(readFileSync(join(root(n), DIR, 'template-3.conf'), 'utf8'), `host=${n} n=3\n`);
    }
    const failed = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.status === 'failed');
    assert.deepEqual(failed, []);
    // The file the command made was found in place (the command's change dropped what was read before it).
    const made = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.task === 'the file the command made').map((e) => e.status);
    assert.deepEqual(made, ['ok', 'ok']);
  });

  it('converged: a run and a plan change nothing; a run costs two execs per host (the run lock with every fact, its release), a plan one', () => {
    const before = lab.nodes.map((n) => treeHash(join(root(n.name), DIR)));
    for (const cmd of ['run', 'plan'] as const) {
      const r = k8sbm([cmd, 'site.yml', ...args()], dir);
      assert.equal(r.code, 0, `${cmd}: ${r.stdout}${r.stderr}`);
      const recap = recapOf(r.stdout);
      for (const n of lab.nodes) assert.equal(recap[n.name]!.changed, 0, `${cmd}: ${n.name} changed`);
      const ev = jsonEvents(r.stdout).find((e) => e.event === 'recap')!;
      const execs = ev.execs as Record<string, number>;
      const paid = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && Number(e.execs) > 0).map((e) => `${String(e.host)} ${String(e.task)}: ${String(e.execs)}`);
      // One exec takes the run lock (a plan only reads it) and reads every task's facts; a run releases the lock in a second.
      for (const n of lab.nodes) assert.equal(execs[n.name], cmd === 'run' ? 2 : 1, `${cmd}: ${n.name} took ${execs[n.name]} execs; tasks that sent one: ${paid.join(', ') || 'none'}`);
      // Too few execs for a host shell: each is a channel of its own.
      assert.deepEqual(ev.channels, execs, `${cmd}: channels`);
    }
    assert.deepEqual(lab.nodes.map((n) => treeHash(join(root(n.name), DIR))), before, 'the converged runs changed a node');
  });
});
