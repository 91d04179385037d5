import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `--report-html` in a real browser (Debian's chromium, headless): the page a real plan wrote
 * renders, shows every host and task the run had, and its screenshot is kept in test-artifacts/
 * (ignored by git) for a person to look at.
 */

const CHROMIUM = process.env.K8SBM_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot, 'test-artifacts');

function chromium(args: readonly string[], profile: string): { code: number; stdout: string; stderr: string } {
  // The flags of a headless browser on a machine without a network or a sandbox of its own.
  const r = spawnSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args,
  ], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the HTML report in a browser', () => {
  it('a plan of the demo renders with its hosts and tasks, and its screenshot is kept', (t) => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is needed (Debian's chromium; .ci/run installs it)`);
    const dir = tempDir('report-html', t);
    const page = join(dir, 'report.html');
    const plan = k8sbm(['plan', 'playbooks/demo.yml', '-i', 'inventories/local', '-e', `demo_root=${join(dir, 'node')}`, '--json', '--report-html', page], repoRoot);
    assert.equal(plan.code, 2, plan.stderr);
    const tasks = new Set(jsonEvents(plan.stdout).filter((e) => e.event === 'task_result').map((e) => String(e.task)));
    assert.ok(tasks.size >= 3);

    const dom = chromium(['--dump-dom', pathToFileURL(page).href], join(dir, 'profile-dom'));
    assert.equal(dom.code, 0, dom.stderr.slice(-2000));
    assert.match(dom.stdout, /<h1 id="verdict">k8sbm plan: \d+ changes pending on 1 of 1 hosts<\/h1>/);
    assert.match(dom.stdout, /<g class="host" data-host="localhost">/);
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    for (const task of tasks) assert.ok(dom.stdout.includes(`data-task="${esc(task)}"`), `task ${task} is not on the page`);

    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'report-html.png');
    const shot = chromium([`--screenshot=${png}`, '--window-size=1200,1400', '--hide-scrollbars', pathToFileURL(page).href], join(dir, 'profile-shot'));
    assert.equal(shot.code, 0, shot.stderr.slice(-2000));
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.equal(bytes.readUInt32BE(16), 1200, 'as wide as the window');
    assert.ok(bytes.length > 20_000, `${bytes.length} bytes: the page drew something`);
  });
});
