import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How long one CLI call may take before it is killed: 300 s (site.yml's first run on 5 lab nodes
 * took over 120 s on a loaded machine), or K8SBM_TEST_CLI_TIMEOUT_MS on a machine so loaded that
 * a healthy run takes longer still. The limit only guards against a hung run.
 */
const CLI_TIMEOUT_MS = Number(process.env.K8SBM_TEST_CLI_TIMEOUT_MS) || 300_000;

/** Run the real CLI (the built bin) in a directory, without colour or spinner. */
export function k8sbm(args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): CliResult {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1', ...env };
  // An empty FORCE_COLOR still forces colour (Node's rule), so it must be absent, not empty.
  if (!env.FORCE_COLOR) delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), ...args], {
    cwd, encoding: 'utf8', env: base, timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** NDJSON events of a `--json` run. */
export function jsonEvents(stdout: string): Record<string, unknown>[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function recapOf(stdout: string): Record<string, Record<string, number>> {
  const r = jsonEvents(stdout).find((e) => e.event === 'recap');
  if (!r) throw new Error(`no recap in output:\n${stdout}`);
  return r.hosts as Record<string, Record<string, number>>;
}

/** Hash of every path, type, mode and content under a directory: equal hashes, identical trees. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${p.slice(dir.length)}\0${st.mode}\0${st.uid}\0${st.gid}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}
