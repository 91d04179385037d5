import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The one way tests make temporary folders (a unit test holds every test file to it): each is
 * removed when the test given as `t` ends, and in any case when the test file's process exits
 * (node --test runs every file in its own process), so a failing test leaves nothing behind
 * either. Node's global after() is not used: called inside a before hook, it runs as soon as
 * that hook ends, which would remove a folder the tests have yet to use.
 */

const made = new Set<string>();
let exitHooked = false;

/** Mount points at or below dir, as this process sees them: never delete through a mount. */
function mountsUnder(dir: string): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m === dir || m.startsWith(`${dir}/`));
  } catch {
    return [];
  }
}

function remove(dir: string): void {
  if (!made.delete(dir)) return;
  const mounted = mountsUnder(dir);
  if (mounted.length) {
    process.stderr.write(`temp: kept ${dir}: something is still mounted in it (${mounted.join(', ')})\n`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** A context to tie a folder's life to: a test's (t.after) or a suite's. */
export interface CleanupScope {
  after(fn: () => void): void;
}

/**
 * A new empty folder `<tmpdir>/k8sbm-<name>-XXXXXX` (mode 0755, so the unprivileged users of
 * the SSH tests can read it). Removed when `scope` ends, else when the process exits.
 */
export function tempDir(name: string, scope?: CleanupScope): string {
  const dir = mkdtempSync(join(tmpdir(), `k8sbm-${name}-`));
  chmodSync(dir, 0o755);
  made.add(dir);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => { for (const d of [...made]) remove(d); });
  }
  scope?.after(() => remove(dir));
  return dir;
}

/** Removes a folder tempDir made, now (it is forgotten by the exit cleanup). */
export function removeTempDir(dir: string): void {
  remove(dir);
}
