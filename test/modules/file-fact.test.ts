import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FactError, FactParseError } from '../../src/facts/types.js';
import { CONTENT_LIMIT, fileFact, fileFactArgv, normalizeFilePath, parseFileFactOutput } from '../../src/facts/file.js';
import { repoRoot } from '../helpers/module-harness.js';

/** Outputs of the fact's own command, captured on a Linux host (GNU coreutils) into fixtures. */
const dir = join(repoRoot(), 'test', 'modules', 'facts', 'file');
const captured = (name: string) => parseFileFactOutput({ code: 0, signal: null, stdout: readFileSync(join(dir, `${name}.stdout`), 'utf8'), stderr: '' }, `/x/${name}`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('file fact parser on captured output', () => {
  it('regular file: mode, owner, size, checksum and content that matches it', () => {
    const st = captured('regular');
    assert.deepEqual({ ...st, content: undefined, sha256: undefined }, {
      exists: true, parentIsDir: true, type: 'file', mode: '0644', uid: 0, gid: 0, size: 48,
      owner: 'root', group: 'root', readable: true, sha256: undefined, content: undefined,
    });
    assert.equal(st.content!.toString(), '127.0.0.1 localhost\n::1 localhost ip6-localhost\n');
    assert.equal(sha(st.content!), st.sha256);
  });

  it('empty file: zero bytes of content, group by name', () => {
    const st = captured('empty');
    assert.equal(st.size, 0);
    assert.equal(st.mode, '0640');
    assert.equal(st.group, 'daemon');
    assert.equal(st.content!.length, 0);
    assert.equal(st.sha256, sha(Buffer.alloc(0)));
  });

  it('missing path, with and without a parent directory', () => {
    assert.deepEqual(captured('missing'), { exists: false, parentIsDir: true });
    assert.deepEqual(captured('missing-parent'), { exists: false, parentIsDir: false });
  });

  it('directory keeps its setgid bit in the mode', () => {
    const st = captured('directory');
    assert.equal(st.type, 'directory');
    assert.equal(st.mode, '2775');
    assert.equal(st.content, undefined);
    assert.equal(st.sha256, undefined);
  });

  it('symlinks are described, not followed, dangling or not', () => {
    const link = captured('symlink');
    assert.equal(link.type, 'link');
    assert.equal(link.linkTarget, 'hosts');
    assert.equal(link.content, undefined);
    const dangling = captured('dangling-link');
    assert.equal(dangling.type, 'link');
    assert.equal(dangling.linkTarget, '../nowhere/at all');
  });

  it('setuid executable: four-digit mode', () => {
    const st = captured('setuid');
    assert.equal(st.mode, '4755');
    assert.equal(st.content!.toString(), '#!/bin/sh\necho hi\n');
  });

  it('binary content survives the trip byte for byte', () => {
    const st = captured('binary');
    assert.equal(st.size, 3000);
    assert.equal(st.content!.length, 3000);
    for (let i = 0; i < 3000; i += 499) assert.equal(st.content![i], (i * 7) % 256);
    assert.equal(sha(st.content!), st.sha256);
    assert.equal(st.mode, '0600');
  });

  it('large file: checksum but no content', () => {
    const st = captured('large');
    assert.ok(st.size! > CONTENT_LIMIT);
    assert.equal(st.content, undefined);
    assert.match(st.sha256!, /^[0-9a-f]{64}$/);
  });

  it('fifo is "other", without checksum', () => {
    const st = captured('fifo');
    assert.equal(st.type, 'other');
    assert.equal(st.sha256, undefined);
  });

  it('uid/gid without names: ids only', () => {
    const st = captured('unknown-owner');
    assert.equal(st.uid, 4242);
    assert.equal(st.gid, 4343);
    assert.equal(st.owner, undefined);
    assert.equal(st.group, undefined);
  });

  it('a path with spaces and a non-root owner', () => {
    const st = captured('spaces');
    assert.equal(st.owner, 'daemon');
    assert.equal(st.group, 'bin');
    assert.equal(st.content!.toString(), "key = 'value'\n");
  });

  it('a file the user may not read: exists, not readable, no checksum', () => {
    const st = captured('unreadable');
    assert.equal(st.readable, false);
    assert.equal(st.sha256, undefined);
    assert.equal(st.content, undefined);
  });
});

describe('file fact parser on bad output', () => {
  it('a failed command is a coded FactError naming the path and stderr', () => {
    assert.throws(() => parseFileFactOutput({ code: 1, signal: null, stdout: '', stderr: 'stat: Permission denied\n' }, '/etc/x'),
      (e: unknown) => e instanceof FactError && e.code === 'K8SBM_FACT_UNREADABLE' && /\/etc\/x: stat: Permission denied/.test(e.message));
    assert.throws(() => parseFileFactOutput({ code: 1, signal: null, stdout: '', stderr: 'stat: Input/output error\n' }, '/etc/x'),
      (e: unknown) => e instanceof FactError && e.code === 'K8SBM_FACT_FAILED');
  });
  it('a path below a folder the user may not search is an error, not "absent"', () => {
    assert.throws(() => parseFileFactOutput({ code: 0, signal: null, stdout: 'k8sbm-file 1\nparent=0\ndenied=/root\n', stderr: '' }, '/root/secret/f'),
      (e: unknown) => e instanceof FactError && e.code === 'K8SBM_FACT_UNREADABLE' && /\/root\/secret\/f: permission denied \(\/root cannot be searched/.test(e.message) && /become: true/.test(e.hint ?? ''));
  });
  it('output without the header is refused', () => {
    assert.throws(() => parseFileFactOutput({ code: 0, signal: null, stdout: 'hello\n', stderr: '' }, '/etc/x'), FactParseError);
  });
  it('content cut short is refused rather than trusted (as changed while read, which the reader retries)', () => {
    const text = readFileSync(join(dir, 'regular.stdout'), 'utf8').replace(/content=\n.*/s, 'content=\nMTI3Cg==\n');
    assert.throws(() => parseFileFactOutput({ code: 0, signal: null, stdout: text, stderr: '' }, '/etc/x'),
      (e: unknown) => e instanceof FactError && e.code === 'K8SBM_FILE_CHANGED_WHILE_READ' && /changed while it was read \(4 bytes arrived/.test(e.message));
  });
  it('lines before the header (a noisy login shell) are ignored', () => {
    const text = `Welcome!\n${readFileSync(join(dir, 'missing.stdout'), 'utf8')}`;
    assert.deepEqual(parseFileFactOutput({ code: 0, signal: null, stdout: text, stderr: '' }, '/etc/x'), { exists: false, parentIsDir: true });
  });
});

describe('file fact command', () => {
  it('passes the path and its parent as parameters, never inside the script', () => {
    const argv = fileFactArgv("/etc/it's here//x/");
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.ok(!argv[2]!.includes("it's"));
    assert.deepEqual(argv.slice(3), ['k8sbm-file', "/etc/it's here/x", "/etc/it's here"]);
  });
  it('keys are normalised so predictions and reads meet', () => {
    assert.equal(fileFact.key('/etc//kubernetes/'), '/etc/kubernetes');
    assert.equal(normalizeFilePath('/'), '/');
    assert.equal(normalizeFilePath('a/./b/../c'), 'a/c');
  });
});
