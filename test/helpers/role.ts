/**
 * What every role test does on its lab: drive `k8sbm run|plan playbooks/site.yml -t TAGS` and
 * check its exit code, read one task's per-host results from the JSON events, run a command on
 * a node that must succeed, and copy the lab's inventory into a folder of its own with extra
 * host_vars or group_vars.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonEvents, k8sbm, type CliResult } from './cli.js';
import { labSsh, type TestLab } from './lab.js';
import { repoRoot } from './paths.js';

export interface TaskResult {
  readonly status: string;
  readonly msg: string;
  readonly code?: string;
}

export interface RoleRun {
  /** `k8sbm COMMAND playbooks/site.yml -t TAGS --json`; `code: 'fail'` is any exit but 0 and 2. */
  cli(command: 'run' | 'plan', code: number | 'fail', opts?: { inventory?: string; extra?: readonly string[] }): CliResult;
  /** The named task's result on each host (default: the role's main task). */
  results(stdout: string, task?: string): Record<string, TaskResult>;
  statuses(stdout: string, task?: string): Record<string, string>;
  /** A command on a node; it must exit 0. */
  onNode(node: string, command: string | readonly string[]): Promise<string>;
  /** The lab's inventory in `work/NAME/`, with group_vars/all.yml extended and host_vars files. */
  inventoryWith(name: string, opts: { groupVars?: string; hostVars?: Readonly<Record<string, string>> }): string;
}

/**
 * The lab is given as a function: a test file makes its RoleRun at load time and its lab in
 * `before`, so the functions can be taken apart once (`const { cli, onNode } = roleRun(...)`).
 */
export function roleRun(labOf: () => TestLab, work: string, tags: string, mainTask = ''): RoleRun {
  const results = (stdout: string, task = mainTask): Record<string, TaskResult> => {
    const out: Record<string, TaskResult> = {};
    for (const e of jsonEvents(stdout)) {
      if (e.event === 'task_result' && e.task === task) out[String(e.host)] = { status: String(e.status), msg: String(e.msg), ...(e.code ? { code: String(e.code) } : {}) };
    }
    return out;
  };
  return {
    cli(command, code, opts = {}) {
      const r = k8sbm([command, join(repoRoot, 'playbooks', 'site.yml'), '-i', opts.inventory ?? labOf().inventoryFile, '-t', tags, '--roles-path', join(repoRoot, 'roles'), '--json', ...(opts.extra ?? [])], work);
      if (code === 'fail') assert.ok(r.code !== 0 && r.code !== 2, `${command} exited ${r.code}, expected a failure\n${r.stdout}${r.stderr}`);
      else assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout}${r.stderr}`);
      return r;
    },
    results,
    statuses: (stdout, task) => Object.fromEntries(Object.entries(results(stdout, task)).map(([h, r]) => [h, r.status])),
    async onNode(node, command) {
      const r = await labSsh(labOf(), node, command);
      assert.equal(r.code, 0, `${String(command)} on ${node}: ${r.stderr}`);
      return r.stdout;
    },
    inventoryWith(name, opts) {
      const lab = labOf();
      const dir = join(work, name);
      mkdirSync(join(dir, 'host_vars'), { recursive: true });
      copyFileSync(lab.inventoryFile, join(dir, 'hosts'));
      cpSync(join(lab.dir, 'group_vars'), join(dir, 'group_vars'), { recursive: true });
      if (opts.groupVars) writeFileSync(join(dir, 'group_vars', 'all.yml'), readFileSync(join(lab.dir, 'group_vars', 'all.yml'), 'utf8') + opts.groupVars);
      for (const [host, text] of Object.entries(opts.hostVars ?? {})) writeFileSync(join(dir, 'host_vars', `${host}.yml`), text);
      return join(dir, 'hosts');
    },
  };
}
