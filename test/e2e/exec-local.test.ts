import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/engine/adhoc.js';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';

const inv = '[web]\na ansible_connection=local\nbb ansible_connection=local\n';

describe('k8sbm exec (local connection)', () => {
  it('runs a shell command on every host, prefixes lines with the host, fails when a host fails', () => {
    const dir = writeTree({ 'hosts': inv });
    const r = k8sbm(['exec', 'web', '-i', 'hosts', '--', 'echo', 'out-$0;', 'echo', 'err', '>&2;', 'test', '-e', 'marker-{{x}}'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^a  \| out-sh$/m);
    assert.match(r.stdout, /^bb \| out-sh$/m);
    assert.match(r.stderr, /^a  \| err$/m);
    assert.match(r.stderr, /^a  : FAILED: exit code 1/m);
    const ok = k8sbm(['exec', 'web', '-i', 'hosts', '--', 'true'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^bb : rc=0$/m);
  });

  it('--group prints each host\'s output together; --json gives one result per host', () => {
    const dir = writeTree({ 'hosts': inv });
    const g = k8sbm(['exec', 'web', '-i', 'hosts', '--group', '--', 'printf "1\\n2\\n"'], dir);
    assert.match(g.stdout, /== a\n1\n2\n== bb\n1\n2\n/);
    const j = k8sbm(['exec', 'web', '-i', 'hosts', '--json', '--', 'echo hi'], dir);
    const rows = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { host: string; rc: number; stdout: string });
    assert.deepEqual(rows.map((x) => [x.host, x.rc, x.stdout]), [['a', 0, 'hi\n'], ['bb', 0, 'hi\n']]);
  });

  it('-m runs one module through the engine, with --check changing nothing', () => {
    const dir = writeTree({ 'hosts': inv });
    const target = join(dir, 'made.txt');
    const check = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'copy', '-a', `content=hello dest=${target}`, '--check', '--json'], dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(jsonEvents(check.stdout).find((e) => e.event === 'task_result')!.status, 'changed');
    assert.ok(!existsSync(target));
    const run = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'copy', '-a', `content=hello dest=${target}`], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'hello');
    const bad = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'copy', '-a', 'dest'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /K8SBM_/);
  });

  it('-m speaks of the command line typed: errors point into -a by column, results name the exec', () => {
    const dir = writeTree({ 'hosts': inv });
    const param = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'file', '-a', 'path=/x state=weird'], dir);
    assert.equal(param.code, 1);
    assert.equal(param.stdout, '', 'refused before anything ran');
    assert.match(param.stderr, /^-a:1:15 {2}K8SBM_PARAM_INVALID {2}task "file path=\/x state=weird" \(file\)\n/);
    assert.match(param.stderr, /\n {2}> 1 \| path=\/x state=weird\n {6}\| {15}\^\n/);
    const unknown = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'fiel', '-a', 'path=/x'], dir);
    assert.match(unknown.stderr, /^-m:1:1 {2}K8SBM_UNKNOWN_MODULE\n {2}unknown module "fiel"\n {2}> 1 \| fiel\n[\s\S]*hint: did you mean "file"\?/);
    const runtime = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'debug', '-a', 'msg={{ nope }}'], dir);
    assert.equal(runtime.code, 1);
    assert.match(runtime.stdout, /failed: \[a\] => K8SBM_UNDEFINED_VAR: undefined variable "nope"\n {4}-a:1:8\n {4}> 1 \| msg=\{\{ nope \}\}\n/);
    assert.match(runtime.stdout, /\n {2}exec -m debug -a 'msg=\{\{ nope \}\}' {2}\[a\] {2}debug msg=/, 'the recap says where the task came from');
    const json = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'stat', '-a', 'path=/', '--json'], dir);
    const start = jsonEvents(json.stdout).find((e) => e.event === 'task_start')!;
    assert.deepEqual([start.file, start.line], ['exec -m stat -a path=/', 0]);
    for (const out of [param.stderr, unknown.stderr, runtime.stdout + runtime.stderr, json.stdout]) {
      assert.doesNotMatch(out, /<exec -m>|PLAYBOOK:/);
    }
  });

  it('-m never shows a secret param typed in -a: not in the task name, the label, JSON or an error', () => {
    const dir = writeTree({ 'hosts': inv });
    const hash = '$6$saltsalt$' + 'h'.repeat(86);
    for (const extra of [[], ['--json']]) {
      const r = k8sbm(['exec', 'a', '-i', 'hosts', '--check', ...extra, '-m', 'user', '-a', `name=k8sbm-nobody password='${hash}' state=absent`], dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(hash), r.stdout + r.stderr);
      assert.match(r.stdout, /password=\*\*\*/);
    }
    const bad = k8sbm(['exec', 'a', '-i', 'hosts', '-m', 'user', '-a', 'name=k8sbm-nobody password=hunter2'], dir);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stderr, /K8SBM_PARAM_INVALID/);
    assert.ok(!(bad.stdout + bad.stderr).includes('hunter2'), bad.stderr);
  });

  it('nothing to run is a usage error', () => {
    const r = k8sbm(['exec', 'web', '-i', 'hosts'], writeTree({ hosts: inv }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /K8SBM_USAGE[\s\S]*hint:/);
  });
});

describe('LineSplitter', () => {
  it('emits whole lines across chunk boundaries and the rest at the end', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('ab');
    s.push('c\nde');
    s.push('\n\nf');
    assert.deepEqual(lines, ['abc', 'de', '']);
    s.end();
    assert.deepEqual(lines, ['abc', 'de', '', 'f']);
  });
});
