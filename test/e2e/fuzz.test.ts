import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { NASTY, rng } from '../helpers/fuzz-driver.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Fuzzing, bounded and seeded (K8SBM_FUZZ_SEED replays a failure; the seed is in every message).
 * 1. Mutated playbooks, roles, templates, INI and YAML inventories and vars files: loading each
 *    ends in success or a coded error whose message formats, never a crash; the cases run in a
 *    child process whose time limit catches a hang (its last progress line names the case).
 * 2. Hostile values through real commands on the local connection: each arrives byte-exact (or
 *    is a coded error, for a NUL in an argument), template braces in them stay text, and no
 *    command that a value spells out runs.
 */

const SEED = Number(process.env.K8SBM_FUZZ_SEED ?? 20261202);
const driver = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'fuzz-driver.js');

describe('fuzz', () => {
  it(`mutated playbooks, roles, templates, inventories and vars files load or fail with a coded error (seed ${SEED})`, (t) => {
    const dir = tempDir('fuzz', t);
    const cases = 1000;
    // Generous: about 25 s here. Only a hang (or a machine ten times slower) reaches it.
    const r = spawnSync(process.execPath, [driver, String(SEED), String(cases), dir], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    const last = r.stderr.trim().split('\n').pop() ?? '';
    assert.equal(r.signal, null, `the fuzz driver did not finish (hang?) at ${last} (seed ${SEED})`);
    assert.match(last, new RegExp(`^case ${cases - 1} \\(file \\d\\)$`), `stopped early at ${last}: ${r.stderr.slice(-2000)}`);
    const bad = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { case: number; what: string; error: string; input: string });
    assert.deepEqual(bad.map((b) => `case ${b.case} ${b.what}: ${b.error.split('\n').slice(0, 4).join(' / ')}\n  input: ${b.input.slice(0, 400)}`), [], `seed ${SEED}`);
  });

  it(`hostile values reach commands and files byte-exact, templates in them stay text, nothing they spell runs (seed ${SEED})`, (t) => {
    const dir = tempDir('fuzz-values', t);
    const canary = join(dir, 'canary');
    const r = rng(SEED);
    const values: string[] = [
      `$(touch ${canary})`, `\`touch ${canary}\``, `; touch ${canary}`, `' ; touch ${canary} ; '`, `" ; touch ${canary} ; "`,
      `{{ lookup('env', 'HOME') }}`, '{{ secret_thing }}', '{% raw %}x', '{{#each groups}}{{this}}{{/each}}', '\\{{ x }}',
      'é😀\u202e\u2028 tab\there', '-n', '--help', '*', '~', '$HOME', '%s%n', 'x'.repeat(200_000),
      JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: [i, { v: '{{ x }}' }] }))),
    ];
    for (let i = 0; i < 40; i++) {
      let v = '';
      const parts = 1 + Math.floor(r() * 4);
      for (let k = 0; k < parts; k++) v += NASTY[Math.floor(r() * NASTY.length)]!.replaceAll('/tmp/k8sbm-fuzz-canary', canary);
      values.push(v);
    }
    // A command's stdout loses its trailing newlines (as Ansible's does): keep them out of the cases.
    const cases = values.map((v) => v.replace(/[\r\n]+$/, '')).filter((v) => v !== '');
    const inDir = join(dir, 'in');
    const outDir = join(dir, 'out');
    mkdirSync(inDir);
    mkdirSync(outDir);
    cases.forEach((v, i) => writeFileSync(join(inDir, `v${i}`), v));
    writeFileSync(join(dir, 'site.yml'), `
- hosts: localhost
  gather_facts: false
  vars:
    secret_thing: THE-SECRET-THING
  tasks:
    - name: read the values from the host
      command: cat {{ in_dir }}/v{{ item }}
      loop: [${cases.map((_, i) => i).join(', ')}]
      register: read
    - name: write them back as files
      copy: { content: "{{ item.stdout }}", dest: "{{ out_dir }}/v{{ item.item }}" }
      loop: "{{ read.results }}"
      loop_control: { label: "{{ item.item }}" }
    - name: through argv
      command: { argv: [printf, "%s", "{{ item.stdout }}"] }
      loop: "{{ read.results }}"
      loop_control: { label: "{{ item.item }}" }
      register: argv
      ignore_errors: true
    - name: through a shell line, quoted
      shell: "printf %s {{ item.stdout | quote }} > {{ out_dir }}/s{{ item.item }}"
      loop: "{{ read.results }}"
      loop_control: { label: "{{ item.item }}" }
      ignore_errors: true
    - name: shown
      debug: { msg: "{{ item.stdout }}" }
      loop: "{{ read.results }}"
      loop_control: { label: "{{ item.item }}" }
`);
    writeFileSync(join(dir, 'inventory'), 'localhost ansible_connection=local\n');
    const run = k8sbm(['run', 'site.yml', '-i', 'inventory', '-e', `in_dir=${inDir}`, '-e', `out_dir=${outDir}`, '--json'], dir);
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr.slice(-3000)}`);
    assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr), `a stack trace: ${run.stderr.slice(-3000)}`);
    const events = jsonEvents(run.stdout);
    const argvResults = events.filter((e) => e.event === 'task_result' && e.task === 'through argv' && e.item !== undefined);
    assert.equal(argvResults.length, cases.length);
    cases.forEach((v, i) => {
      const want = Buffer.from(v, 'utf8');
      const label = `value ${i} ${JSON.stringify(v.slice(0, 80))} (seed ${SEED})`;
      assert.ok(readFileSync(join(outDir, `v${i}`)).equals(want), `copy: ${label}`);
      const a = argvResults.find((e) => e.item === String(i));
      if (v.includes('\0') || want.length > 120_000) {
        // A NUL cannot be in an argument, nor 200 KB: a coded error for that item, the others go on.
        assert.equal(a?.status, 'failed', label);
        assert.match(String(a?.msg), v.includes('\0') ? /K8SBM_NUL_BYTE/ : /K8SBM_COMMAND_TOO_LONG/, label);
        assert.ok(!existsSync(join(outDir, `s${i}`)), label);
      } else {
        assert.notEqual(a?.status, 'failed', `${label}: ${String(a?.msg)}`);
        assert.ok(readFileSync(join(outDir, `s${i}`)).equals(want), `shell: ${label}`);
      }
    });
    assert.ok(!existsSync(canary), 'a command spelled out by a value ran');
    assert.ok(!run.stdout.includes('THE-SECRET-THING'), 'a template inside a value was rendered');
  });
});
