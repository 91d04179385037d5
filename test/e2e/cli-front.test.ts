/**
 * The front door, through the real CLI (bin/k8sbm.js): a reader that goes away ends the process
 * quietly; a forgotten inventory is an error, an inventory without matches a warning.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { repoRoot } from '../helpers/paths.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function project(files: Record<string, string>): string {
  const dir = writeTree(files);
  dirs.push(dir);
  return dir;
}

/** No inventory from the environment either: K8SBM_INVENTORY="" counts as unset. */
const NO_ENV_INVENTORY = { K8SBM_INVENTORY: '' };

/**
 * `k8sbm ARGS | head -n 1` in a real shell pipeline: what head printed, and the exit code and
 * stderr of k8sbm itself.
 */
function throughHead(args: readonly string[], cwd: string): { first: string; code: string; stderr: string } {
  const dir = project({});
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1', ...NO_ENV_INVENTORY, ERR: join(dir, 'err'), RC: join(dir, 'rc') };
  delete env.FORCE_COLOR;
  const script = '"$@" 2>"$ERR" | head -n 1; echo "${PIPESTATUS[0]}" >"$RC"';
  const r = spawnSync('bash', ['-c', script, 'bash', process.execPath, join(repoRoot, 'bin', 'k8sbm.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return { first: r.stdout, code: readFileSync(join(dir, 'rc'), 'utf8').trim(), stderr: readFileSync(join(dir, 'err'), 'utf8') };
}

// A pipe holds 64 KiB and head reads at most that much before it exits: output well beyond
// twice that is certain to meet the closed pipe, however the two processes are scheduled.
const BEYOND_A_PIPE = 160 * 1024;

describe('stdout closed by its reader (| head -1)', () => {
  it('schema --yaml ends quietly with exit 0', () => {
    const dir = project({});
    const full = k8sbm(['schema', 'playbook', '--yaml'], dir);
    assert.equal(full.code, 0, full.stderr);
    assert.ok(full.stdout.length > BEYOND_A_PIPE, `the schema is only ${full.stdout.length} bytes`);
    const r = throughHead(['schema', 'playbook', '--yaml'], dir);
    assert.equal(r.first, `${full.stdout.split('\n')[0]}\n`);
    assert.equal(r.stderr, '');
    assert.equal(r.code, '0');
  });

  it('a run\'s reporter output ends quietly with exit 0', () => {
    const items = Array.from({ length: 3000 }, (_, i) => i).join(', ');
    const dir = project({
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: many lines\n      debug: { msg: "item {{ item }} of a list long enough to outgrow the pipe" }\n      loop: [${items}]\n`,
    });
    const full = k8sbm(['run', 'site.yml', '-v'], dir, NO_ENV_INVENTORY);
    assert.equal(full.code, 0, full.stderr);
    assert.ok(full.stdout.length > BEYOND_A_PIPE, `the run printed only ${full.stdout.length} bytes`);
    const r = throughHead(['run', 'site.yml', '-v'], dir);
    assert.equal(r.first, `${full.stdout.split('\n')[0]}\n`);
    assert.equal(r.stderr, '');
    assert.equal(r.code, '0');
  });
});

const allHosts = '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: anything\n      command: "true"\n';
const webservers = allHosts.replace('hosts: all', 'hosts: webservers');

describe('no inventory at all', () => {
  it('run: a play for other hosts than localhost is refused before anything runs, with the ways to give one', () => {
    const dir = project({ 'site.yml': allHosts });
    for (const cmd of ['run', 'plan']) {
      const r = k8sbm([cmd, 'site.yml'], dir, NO_ENV_INVENTORY);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stdout, '', 'nothing ran');
      assert.match(r.stderr, new RegExp(`^${join(dir, 'site.yml')}:1:3  K8SBM_NO_INVENTORY  play "all"\n`));
      assert.match(r.stderr, /no inventory: "all" matches no host/);
      assert.match(r.stderr, /hint: .*-i INVENTORY.*--lab.*inventory: in k8sbm\.yaml/);
    }
  });

  it('exec and facts are refused the same way (facts has no --lab to offer)', () => {
    const dir = project({});
    const shell = k8sbm(['exec', 'all', '--', 'true'], dir, NO_ENV_INVENTORY);
    assert.equal(shell.code, 1);
    assert.match(shell.stderr, /K8SBM_NO_INVENTORY[\s\S]*hint: .*-i INVENTORY.*--lab/);
    const module = k8sbm(['exec', 'all', '-m', 'stat', '-a', 'path=/'], dir, NO_ENV_INVENTORY);
    assert.equal(module.code, 1);
    assert.match(module.stderr, /K8SBM_NO_INVENTORY/);
    const facts = k8sbm(['facts', 'all'], dir, NO_ENV_INVENTORY);
    assert.equal(facts.code, 1);
    assert.match(facts.stderr, /K8SBM_NO_INVENTORY[\s\S]*hint: name the hosts with -i INVENTORY or inventory: in k8sbm\.yaml/);
  });

  it('the implicit localhost still works: run, exec and facts on localhost need no inventory', () => {
    const dir = project({ 'site.yml': allHosts.replace('hosts: all', 'hosts: localhost') });
    const run = k8sbm(['run', 'site.yml'], dir, NO_ENV_INVENTORY);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /changed: \[localhost\]/);
    assert.equal(k8sbm(['exec', 'localhost', '--', 'true'], dir, NO_ENV_INVENTORY).code, 0);
    const facts = k8sbm(['facts', 'localhost'], dir, NO_ENV_INVENTORY);
    assert.equal(facts.code, 0, facts.stderr);
    assert.ok(JSON.parse(facts.stdout).localhost);
  });
});

describe('an inventory that matches nothing', () => {
  it('stays a warning and exit 0, given with -i or configured in k8sbm.yaml', () => {
    const dir = project({ 'site.yml': webservers, 'hosts.ini': '[db]\ndb1 ansible_connection=local\n', 'conf/k8sbm.yaml': 'inventory: ../hosts.ini\n', 'conf/site.yml': webservers });
    const given = k8sbm(['run', 'site.yml', '-i', 'hosts.ini'], dir, NO_ENV_INVENTORY);
    const configured = k8sbm(['run', 'site.yml'], join(dir, 'conf'), NO_ENV_INVENTORY);
    for (const r of [given, configured]) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /\[WARNING\]: Could not match supplied host pattern, ignoring: webservers/);
      assert.match(r.stdout, /skipping: no hosts matched/);
      assert.doesNotMatch(r.stdout + r.stderr, /K8SBM_NO_INVENTORY/);
    }
  });
});

describe('--version', () => {
  it("prints the package's version from any working directory", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const dir = writeTree({ 'package.json': '{"name": "someone-else", "version": "9.9.9"}\n' });
    dirs.push(dir);
    for (const cwd of [repoRoot, dir]) {
      const r = k8sbm(['--version'], cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), version, cwd);
    }
  });
});
