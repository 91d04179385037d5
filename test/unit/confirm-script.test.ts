/**
 * The commit-confirmed scripts run with this machine's sh, in a temporary folder (the snapshot
 * folder is an argument): the rollback restores bytes, mode and times and removes files that did
 * not exist; the confirmation stops the waiting process and removes the snapshot; whoever of the
 * two comes second does nothing. Waits are on files and processes, never sleeps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ARM_SCRIPT, CONFIRM_SCRIPT, EXTEND_SCRIPT, RESTORE_SCRIPT, STATUS_SCRIPT } from '../../src/engine/confirm-script.js';
import { eventually } from '../helpers/ssh-env.js';
import { tempDir } from '../helpers/temp.js';

function sh(script: string, name: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', script, name, ...args], { encoding: 'utf8', timeout: 30_000, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

/**
 * Runs `body` with a network namespace of its own (removed afterwards) and a runner that runs a
 * command in it and wants exit 0.
 */
async function inNetns(name: string, body: (run: (...argv: string[]) => string) => Promise<void>): Promise<void> {
  const ns = `k8sbm-${name}-${process.pid}`;
  const run = (...argv: string[]): string => {
    const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0, 'ip netns add');
  try {
    await body(run);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

describe('commit-confirmed scripts', () => {
  it('the rollback restores files byte-exact with mode and times, removes new ones, runs the restore lines', async () => {
    const t = tempDir('cc-script');
    const kept = join(t, 'kept.conf');
    const made = join(t, 'made.conf');
    writeFileSync(kept, 'a=1\n\0binary\n');
    chmodSync(kept, 0o640);
    utimesSync(kept, 1_000_000, 1_000_000);
    const dir = join(t, 'confirm', 'id1');
    const arm = sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id1', '1', RESTORE_SCRIPT, `echo restored > ${join(t, 'line-ran')}`, '', kept, made]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal(arm.stdout.trim(), 'timer=process');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    writeFileSync(kept, 'changed\n');
    chmodSync(kept, 0o600);
    writeFileSync(made, 'new\n');
    await eventually(() => existsSync(join(dir, 'rolled-back')), 'the rollback', 30_000);
    assert.equal(readFileSync(kept, 'latin1'), 'a=1\n\0binary\n');
    assert.equal(statSync(kept).mode & 0o777, 0o640);
    assert.equal(statSync(kept).mtimeMs, 1_000_000_000);
    assert.equal(existsSync(made), false);
    assert.equal(readFileSync(join(t, 'line-ran'), 'utf8'), 'restored\n');
    assert.equal(sh(CONFIRM_SCRIPT, 'k8sbm-confirm', [dir, 'id1']).stdout.trim(), 'rolled-back');
    const st = sh(STATUS_SCRIPT, 'k8sbm-confirm-status', [dir]);
    assert.match(st.stdout, /^rolled-back\nrestore lines exit 0\n/);
    assert.equal(existsSync(dir), false);
  });

  it('the confirmation stops the waiting process and removes the snapshot; the timer then does nothing', async () => {
    const t = tempDir('cc-script');
    const f = join(t, 'f.conf');
    writeFileSync(f, 'before\n');
    const dir = join(t, 'confirm', 'id2');
    assert.equal(sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id2', '300', RESTORE_SCRIPT, '', '', f]).code, 0);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    assert.ok(alive(pid));
    writeFileSync(f, 'after\n');
    assert.equal(sh(CONFIRM_SCRIPT, 'k8sbm-confirm', [dir, 'id2']).stdout.trim(), 'confirmed');
    assert.equal(existsSync(dir), false);
    await eventually(() => !alive(pid), 'the rollback process to end', 30_000);
    assert.equal(readFileSync(f, 'utf8'), 'after\n');
    assert.equal(sh(STATUS_SCRIPT, 'k8sbm-confirm-status', [dir]).stdout.trim(), 'missing');
  });

  it('a deadline pushed back holds the rollback until then: the timer wakes at the first one, reads the new one, sleeps on', async () => {
    const t = tempDir('cc-script');
    const f = join(t, 'f.conf');
    writeFileSync(f, 'before\n');
    const dir = join(t, 'confirm', 'id9');
    // Armed for 3 s (at least 2 s away: the deadline is in whole seconds), pushed to 6 at once.
    assert.equal(sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id9', '3', RESTORE_SCRIPT, '', '', f]).code, 0);
    const armed = Number(readFileSync(join(dir, 'deadline'), 'utf8'));
    writeFileSync(f, 'after\n');
    const pushed = sh(EXTEND_SCRIPT, 'k8sbm-confirm-extend', [dir, '6']);
    assert.equal(pushed.stdout, 'extended\n', pushed.stderr);
    const deadline = Number(readFileSync(join(dir, 'deadline'), 'utf8'));
    assert.ok(deadline > armed, `pushed from ${armed} to ${deadline}`);
    // The restore writes the time it ran last of all (the file exists, empty, a moment before).
    await eventually(() => existsSync(join(dir, 'rolled-back')) && statSync(join(dir, 'rolled-back')).size > 0, 'the rollback', 30_000);
    // Not at the armed second, but at the pushed one: the restore writes when it ran.
    const at = Number(readFileSync(join(dir, 'rolled-back'), 'utf8'));
    assert.ok(at >= deadline, `rolled back at ${at}, before the pushed deadline ${deadline} (armed for ${armed})`);
    assert.equal(readFileSync(f, 'utf8'), 'before\n');
    // Once decided, a push changes nothing and says so.
    assert.equal(sh(EXTEND_SCRIPT, 'k8sbm-confirm-extend', [dir, '300']).stdout, 'gone\n');
    assert.equal(Number(readFileSync(join(dir, 'deadline'), 'utf8')), deadline);
  });

  it('a deadline that is not a number counts as passed: the rollback runs', async () => {
    const t = tempDir('cc-script');
    const dir = join(t, 'confirm', 'id10');
    assert.equal(sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id10', '1', RESTORE_SCRIPT, '', '']).code, 0);
    writeFileSync(join(dir, 'deadline'), 'soon\n');
    await eventually(() => existsSync(join(dir, 'rolled-back')), 'the rollback', 30_000);
  });

  it('a failing probe confirms nothing and says why; a passing one confirms', async () => {
    const t = tempDir('cc-script');
    const dir = join(t, 'confirm', 'id7');
    assert.equal(sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id7', '300', RESTORE_SCRIPT, '', '']).code, 0);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    const failed = sh(CONFIRM_SCRIPT, 'k8sbm-confirm', [dir, 'id7', 'echo "api not ready" >&2\nexit 3']);
    assert.equal(failed.code, 0);
    assert.equal(failed.stdout, 'probe-failed\napi not ready\n');
    assert.ok(existsSync(dir) && !existsSync(join(dir, 'decided')) && alive(pid), 'still armed');
    assert.equal(sh(CONFIRM_SCRIPT, 'k8sbm-confirm', [dir, 'id7', 'true\ntest -d /']).stdout.trim(), 'confirmed');
    assert.equal(existsSync(dir), false);
    await eventually(() => !alive(pid), 'the rollback process to end', 30_000);
  });

  it('a directory in the paths is refused and leaves no snapshot', () => {
    const t = tempDir('cc-script');
    const dir = join(t, 'confirm', 'id3');
    const r = sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id3', '300', RESTORE_SCRIPT, '', '', t]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is a directory/);
    assert.equal(existsSync(dir), false);
  });

  it('runtime nft: the live ruleset is snapshotted and put back in one transaction (flush, then the snapshot)', async () => {
    const t = tempDir('cc-script');
    // A stand-in nft: `list ruleset` prints the live file, `-f -` records what it was given.
    const bin = join(t, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nft'), `#!/bin/sh\nif [ "$1" = list ]; then cat ${join(t, 'live')}; else cat > ${join(t, 'applied')}; fi\n`);
    chmodSync(join(bin, 'nft'), 0o755);
    writeFileSync(join(t, 'live'), 'table inet k8sbm {\n}\n');
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const dir = join(t, 'confirm', 'id4');
    const arm = sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id4', '1', RESTORE_SCRIPT, '', 'nft'], env);
    assert.equal(arm.code, 0, arm.stderr);
    await eventually(() => existsSync(join(dir, 'rolled-back')), 'the rollback', 30_000);
    assert.equal(readFileSync(join(t, 'applied'), 'utf8'), 'flush ruleset\ntable inet k8sbm {\n}\n');
    assert.match(sh(STATUS_SCRIPT, 'k8sbm-confirm-status', [dir]).stdout, /nft ruleset exit 0/);
  });

  it('runtime nft when nft fails on the node: arming fails and leaves no snapshot', () => {
    const t = tempDir('cc-script');
    const bin = join(t, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nft'), '#!/bin/sh\necho "nft: not usable" >&2\nexit 1\n');
    chmodSync(join(bin, 'nft'), 0o755);
    const dir = join(t, 'confirm', 'id5');
    const r = sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id5', '300', RESTORE_SCRIPT, '', 'nft'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot snapshot the ruleset/);
    assert.equal(existsSync(dir), false);
  });

  it('runtime nft table when nft cannot list it (not because it is absent): arming fails, the table is not taken for absent', () => {
    const t = tempDir('cc-script');
    const bin = join(t, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nft'), '#!/bin/sh\necho "Error: Could not process rule: Operation not permitted" >&2\nexit 1\n');
    chmodSync(join(bin, 'nft'), 0o755);
    const dir = join(t, 'confirm', 'id8');
    const r = sh(ARM_SCRIPT, 'k8sbm-confirm-arm', [dir, 'id8', '300', RESTORE_SCRIPT, '', 'nft table inet k8sbm'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nft list table inet k8sbm failed: cannot snapshot the table: Error: Could not process rule: Operation not permitted/);
    assert.equal(existsSync(dir), false);
  });

  it('runtime nft table: only that table comes back (real nft in a namespace of its own); one that did not exist is deleted again', async () => {
    const t = tempDir('cc-script');
    await inNetns('cc', async (run) => {
      run('nft', 'add table inet k8sbm; add chain inet k8sbm input { type filter hook input priority 0; policy accept; }; add rule inet k8sbm input tcp dport 22 accept');
      run('nft', 'add table inet other');
      const before = run('nft', 'list', 'table', 'inet', 'k8sbm');
      const dir = join(t, 'confirm', 'id6');
      const arm = run('sh', '-c', ARM_SCRIPT, 'k8sbm-confirm-arm', dir, 'id6', '1', RESTORE_SCRIPT, '', 'nft table inet k8sbm\nnft table inet fresh');
      assert.match(arm, /timer=process/);
      // The change inside the window, and what another program does to its own table meanwhile.
      run('nft', 'flush chain inet k8sbm input; add rule inet k8sbm input tcp dport 80 accept');
      run('nft', 'add table inet fresh');
      run('nft', 'add chain inet other kube-proxy-like');
      await eventually(() => existsSync(join(dir, 'rolled-back')), 'the rollback', 30_000);
      assert.equal(run('nft', 'list', 'table', 'inet', 'k8sbm'), before);
      const tables = run('nft', 'list', 'tables');
      assert.doesNotMatch(tables, /fresh/, 'the table that did not exist is gone again');
      assert.match(run('nft', 'list', 'table', 'inet', 'other'), /kube-proxy-like/, "another table's change in the window is kept");
      const log = readFileSync(join(dir, 'log'), 'utf8');
      assert.match(log, /nft table inet k8sbm exit 0/);
      assert.match(log, /nft table inet fresh exit 0/);
    });
  });
  it('runtime links and files: addresses, MTU and routes come back, a link the change created is deleted, a file a glob matches anew is removed (real ip in a namespace of its own)', async () => {
    const t = tempDir('cc-script');
    await inNetns('ccl', async (run) => {
      run('ip', 'link', 'add', 'vx0', 'type', 'veth', 'peer', 'name', 'vx1');
      run('ip', 'addr', 'add', '10.9.0.2/24', 'dev', 'vx0');
      run('ip', 'link', 'set', 'vx0', 'up');
      run('ip', 'link', 'set', 'vx1', 'up');
      run('ip', 'route', 'add', '10.8.0.0/16', 'via', '10.9.0.1', 'dev', 'vx0');
      const kept = join(t, '10-k8sbm-vx0.network');
      writeFileSync(kept, 'before\n');
      const snapshot = (): string[] => [
        run('ip', '-o', 'addr', 'show', 'dev', 'vx0', 'scope', 'global').replace(/\s+valid_lft.*$/gm, ''),
        run('ip', 'route', 'show', 'dev', 'vx0'),
        run('cat', '/sys/class/net/vx0/mtu'),
      ];
      const before = snapshot();
      const dir = join(t, 'confirm', 'id8');
      const arm = run('sh', '-c', ARM_SCRIPT, 'k8sbm-confirm-arm', dir, 'id8', '1', RESTORE_SCRIPT, '', `links vx0 br9\nfiles ${t}/10-k8sbm-*`);
      assert.match(arm, /timer=process/);
      // The change inside the window: another address, MTU and route, a new bridge, a new file.
      run('ip', 'addr', 'flush', 'dev', 'vx0');
      run('ip', 'addr', 'add', '10.9.1.2/24', 'dev', 'vx0');
      run('ip', 'link', 'set', 'vx0', 'mtu', '1400');
      run('ip', 'route', 'add', '10.7.0.0/16', 'via', '10.9.1.1', 'dev', 'vx0');
      run('ip', 'link', 'add', 'br9', 'type', 'bridge');
      writeFileSync(kept, 'after\n');
      writeFileSync(join(t, '10-k8sbm-br9.netdev'), 'new\n');
      await eventually(() => existsSync(join(dir, 'rolled-back')), 'the rollback', 30_000);
      assert.deepEqual(snapshot(), before);
      assert.doesNotMatch(run('ip', '-o', 'link', 'show'), /br9/, 'the bridge the change made is gone');
      assert.equal(readFileSync(kept, 'utf8'), 'before\n');
      assert.equal(existsSync(join(t, '10-k8sbm-br9.netdev')), false, 'the new file is removed');
      const log = readFileSync(join(dir, 'log'), 'utf8');
      assert.match(log, /link br9 deleted \(the change created it\)/);
      assert.match(log, /link vx0: mtu 1500, addresses and routes put back/);
    });
  });
});
