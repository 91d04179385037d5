import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository the benchmark belongs to: the nearest directory above the compiled file that
 * holds package.json and the scenario. Compiled elsewhere (tsc --outDir), the source map still
 * names the source file; the current directory is the last resort.
 */

const SCENARIO = join('bench', 'scenario', 'harden.yml');

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, SCENARIO))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function sourceDirFromMap(compiled: string): string | undefined {
  try {
    const map = JSON.parse(readFileSync(`${compiled}.map`, 'utf8')) as { sources?: string[]; sourceRoot?: string };
    const src = map.sources?.[0];
    return src ? dirname(resolve(dirname(compiled), map.sourceRoot ?? '', src)) : undefined;
  } catch {
    return undefined;
  }
}

export function findRepoRoot(): string {
  const self = fileURLToPath(import.meta.url);
  const mapped = sourceDirFromMap(self);
  const root = findUp(dirname(self)) ?? (mapped ? findUp(mapped) : undefined) ?? findUp(process.cwd());
  if (!root) throw new Error(`cannot find the repository (package.json and ${SCENARIO}) above ${self} or the current directory`);
  return root;
}

export function scenarioPath(root: string): string {
  return join(root, SCENARIO);
}

/** The project's main job: the site scenario (k8sbm alone: the peers have no such playbook). */
export function sitePlaybookPath(root: string): string {
  return join(root, 'playbooks', 'site.yml');
}

/** The same scenario as a pyinfra deploy, beside the playbook. */
export function pyinfraDeployPath(root: string): string {
  return join(root, 'bench', 'scenario', 'harden_pyinfra.py');
}

/** The k8sbm CLI entry compiled beside this file. */
export function compiledK8sbmCli(): string {
  // bin/k8sbm.js of this build (dist/bench/ is two levels below the repository): what a user
  // runs, the build's bundle of dist/src included.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'k8sbm.js');
}
