import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActionFailed, type UploadAction } from '../../src/modules/types.js';
import { actionToExec, parseUploadOutput, runAction, UPLOAD_SCRIPT } from '../../src/transport/actions.js';
import { LocalConnection } from '../../src/transport/local.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('actions', { after });
let n = 0;
const freshDir = (): string => {
  const d = join(root, `case${n++}`);
  mkdirSync(d);
  return d;
};
const conn = new LocalConnection('localhost');
const upload = (dest: string, content: string | Buffer, extra: Partial<UploadAction> = {}): UploadAction => ({ kind: 'upload', dest, content, ...extra });
const modeOf = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
// Only the file itself and backups may remain: a leftover temp file means the cleanup failed.
const namesIn = (d: string): string[] => readdirSync(d).sort();
const umaskDefault = (0o666 & ~process.umask()).toString(8).padStart(4, '0');

describe('actionToExec', () => {
  it('an upload is one sh -c of the fixed script; user data only as parameters', () => {
    const req = actionToExec(upload("/etc/it's $(x)", 'data', { mode: '0600', owner: 'root', group: 'adm', validate: 'v %s', backup: true }), { user: 'root', method: 'sudo' });
    assert.deepEqual(req.argv.slice(0, 10), ['sh', '-c', UPLOAD_SCRIPT, 'k8sbm-upload', "/etc/it's $(x)", '0600', 'root', 'adm', 'v %s', '1']);
    assert.match(req.argv[10]!, /^[0-9a-f]{12}$/, 'the temporary file\'s random suffix');
    assert.equal(req.argv[11], '', 'no read-back marker: the eighth parameter is there, empty');
    assert.equal(req.argv.length, 12, 'the content is not an argument: a transport may make it one (stdinAsArg)');
    assert.equal(req.stdin, 'data');
    assert.equal(req.stdinAsArg, true);
    assert.deepEqual(req.become, { user: 'root', method: 'sudo' });
  });
  it('an exec passes argv, stdin, cwd and env through', () => {
    const req = actionToExec({ kind: 'exec', argv: ['ls', '-l'], stdin: 'x', cwd: '/tmp', env: { A: '1' } });
    assert.deepEqual(req, { argv: ['ls', '-l'], stdin: 'x', cwd: '/tmp', env: { A: '1' }, become: undefined });
  });
});

describe('runAction', () => {
  it('accepts the okCodes of an exec and throws ActionFailed otherwise', async () => {
    const ok = await runAction(conn, { kind: 'exec', argv: ['sh', '-c', 'exit 1'], okCodes: [0, 1] });
    assert.equal(ok.code, 1);
    await assert.rejects(runAction(conn, { kind: 'exec', argv: ['sh', '-c', 'echo boom >&2; exit 3'] }),
      (e: unknown) => e instanceof ActionFailed && e.result.code === 3 && e.result.stderr === 'boom\n');
  });
});

describe('upload script on this machine', () => {
  it('creates a new file with the umask default mode', async () => {
    const d = freshDir();
    await runAction(conn, upload(join(d, 'a.txt'), 'hello\n'));
    assert.equal(readFileSync(join(d, 'a.txt'), 'utf8'), 'hello\n');
    assert.equal(modeOf(join(d, 'a.txt')), umaskDefault);
    assert.deepEqual(namesIn(d), ['a.txt']);
  });

  it('sets mode, owner and group (numeric or names), special bits included', async () => {
    const d = freshDir();
    await runAction(conn, upload(join(d, 'b'), 'x', { mode: '2750', owner: 'daemon', group: '2' }));
    const st = statSync(join(d, 'b'));
    assert.deepEqual([modeOf(join(d, 'b')), st.uid, st.gid], ['2750', 1, 2]);
  });

  it('applies a symbolic mode on top of the default', async () => {
    const d = freshDir();
    await runAction(conn, upload(join(d, 'run.sh'), '#!/bin/sh\n', { mode: 'u+x' }));
    assert.equal(modeOf(join(d, 'run.sh')), (0o100 | parseInt(umaskDefault, 8)).toString(8).padStart(4, '0'));
  });

  it('keeps the mode and owner of the file it replaces when none is given', async () => {
    const d = freshDir();
    const p = join(d, 'conf');
    writeFileSync(p, 'old');
    chmodSync(p, 0o640);
    chownSync(p, 1, 2);
    await runAction(conn, upload(p, 'new'));
    const st = statSync(p);
    assert.deepEqual([readFileSync(p, 'utf8'), modeOf(p), st.uid, st.gid], ['new', '0640', 1, 2]);
  });

  it('keeps them with stat, chown and chmod where cp cannot copy attributes alone', async () => {
    const d = freshDir();
    const bin = join(d, 'bin');
    mkdirSync(bin);
    // A cp without --attributes-only (busybox's says "unrecognized option" and fails).
    writeFileSync(join(bin, 'cp'), '#!/bin/sh\necho "cp: unrecognized option" >&2\nexit 1\n', { mode: 0o755 });
    const p = join(d, 'conf');
    writeFileSync(p, 'old');
    chmodSync(p, 0o604);
    chownSync(p, 3, 4);
    const req = actionToExec(upload(p, 'new'));
    const r = await conn.exec({ ...req, env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } });
    assert.equal(r.code, 0, r.stderr);
    const st = statSync(p);
    assert.deepEqual([readFileSync(p, 'utf8'), modeOf(p), st.uid, st.gid, r.stderr], ['new', '0604', 3, 4, '']);
  });

  it('carries binary content byte for byte', async () => {
    const d = freshDir();
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    await runAction(conn, upload(join(d, 'blob'), bytes));
    assert.ok(readFileSync(join(d, 'blob')).equals(bytes));
  });

  it('never runs what is in a path: odd names are just names', async () => {
    const d = freshDir();
    const name = "it's $(touch pwned) `id` ; x";
    await runAction(conn, upload(join(d, name), 'ok'));
    assert.deepEqual(namesIn(d), [name]);
  });

  it('validates the new file before the move; %s may be quoted', async () => {
    const d = freshDir();
    const p = join(d, "we'ird name.cfg");
    writeFileSync(p, 'good=1\n');
    await runAction(conn, upload(p, 'good=2\n', { validate: "grep -q '^good=' '%s'" }));
    assert.equal(readFileSync(p, 'utf8'), 'good=2\n');
  });

  it('a failed validation leaves the old file and no temp file, and says why', async () => {
    const d = freshDir();
    const p = join(d, 'haproxy.cfg');
    writeFileSync(p, 'good\n');
    await assert.rejects(runAction(conn, upload(p, 'bad\n', { validate: 'sh -c "echo parse error in $1 >&2; exit 4" x %s' })), (e: unknown) => {
      assert.ok(e instanceof ActionFailed);
      assert.equal(e.result.code, 4);
      assert.match(e.result.stderr, /parse error in .*\.k8sbm-/);
      assert.match(e.result.stderr, /validation failed \(exit 4\)/);
      return true;
    });
    assert.equal(readFileSync(p, 'utf8'), 'good\n');
    assert.deepEqual(namesIn(d), ['haproxy.cfg']);
  });

  it('refuses a validate command without %s', async () => {
    const d = freshDir();
    await assert.rejects(runAction(conn, upload(join(d, 'x'), 'x', { validate: 'true' })),
      (e: unknown) => e instanceof ActionFailed && /must contain %s/.test(e.result.stderr));
    assert.deepEqual(namesIn(d), []);
  });

  it('backup keeps the previous file as DEST.YYYYmmddTHHMMSS~ and reports it', async () => {
    const d = freshDir();
    const p = join(d, 'motd');
    writeFileSync(p, 'v1\n');
    const res = await runAction(conn, upload(p, 'v2\n', { backup: true }));
    const { backupFile } = parseUploadOutput(res.stdout);
    assert.match(backupFile!, /\/motd\.\d{8}T\d{6}~$/);
    assert.equal(readFileSync(backupFile!, 'utf8'), 'v1\n');
    assert.equal(readFileSync(p, 'utf8'), 'v2\n');
  });

  it('fails cleanly on a directory or a missing parent', async () => {
    const d = freshDir();
    mkdirSync(join(d, 'sub'));
    await assert.rejects(runAction(conn, upload(join(d, 'sub'), 'x')), (e: unknown) => e instanceof ActionFailed && /is a directory/.test(e.result.stderr));
    await assert.rejects(runAction(conn, upload(join(d, 'nope', 'x'), 'x')), (e: unknown) => e instanceof ActionFailed && /does not exist/.test(e.result.stderr));
    assert.deepEqual(namesIn(d), ['sub']);
    assert.equal(existsSync(join(d, 'nope')), false);
  });

  it('an unknown owner fails before anything is replaced', async () => {
    const d = freshDir();
    writeFileSync(join(d, 'f'), 'old');
    await assert.rejects(runAction(conn, upload(join(d, 'f'), 'new', { owner: 'no-such-user-k8sbm' })), ActionFailed);
    assert.equal(readFileSync(join(d, 'f'), 'utf8'), 'old');
    assert.deepEqual(namesIn(d), ['f']);
  });
});

describe('upload script: the content as its ninth argument', () => {
  it('writes the argument, not stdin, when there is one; the same file either way', async () => {
    const d = freshDir();
    for (const content of ["it's $(x) `y`\\n\n", '', 'no newline']) {
      const req = actionToExec(upload(join(d, 'a'), 'IGNORED', { mode: '0640' }));
      const r = await conn.exec({ ...req, argv: [...req.argv, content] });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(d, 'a'), 'utf8'), content);
      assert.equal(modeOf(join(d, 'a')), '0640');
    }
    assert.deepEqual(namesIn(d), ['a']);
  });
});
