import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FactCache, MAX_WINDOW, readThroughBatch, type FactBatch, type Read } from '../../src/engine/fact-batch.js';
import { BATCH_SCRIPT_LIMIT, batchScript, newMarker, splitBatch } from '../../src/transport/batch-script.js';
import { fileFact, fileFactArgv } from '../../src/facts/file.js';
import type { ExecResult } from '../../src/transport/connection.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/** Facts read ahead: the batch script run by the real /bin/sh, the cache's rules, the read path. */

function runSh(argv: readonly string[]): ExecResult {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('batch script', () => {
  const commands: string[][] = [
    ['printf', 'no newline at the end'],
    ['sh', '-c', 'echo "out $1 $2"; echo "err $1" >&2; exit 3', 'name', 'a b', "it's"],
    ['true'],
    ['sh', '-c', 'printf "two\\n\\nblank lines\\n\\n"'],
    ['sh', '-c', 'kill -s TERM $$'],
    ['cat'],
  ];

  it('each command gets its own stdout, stderr and exit code back, as if it had run alone', () => {
    const marker = newMarker();
    const script = batchScript(commands, marker)!;
    assert.match(script, /\(set -- 'a b'/, 'a shell script runs in a subshell of the batch');
    const parts = splitBatch(runSh(['sh', '-c', script]), commands.length, marker);
    assert.ok(parts);
    const alone = commands.map((c) => runSh(c));
    assert.deepEqual(parts.map((p) => p.stdout), alone.map((a) => a.stdout));
    // The batch's shell says so when a command dies of a signal ("Terminated"); nothing else is added.
    assert.deepEqual(parts.map((p, i) => (i === 4 ? '' : p.stderr)), alone.map((a, i) => (i === 4 ? '' : a.stderr)));
    // A signal shows as the shell shows it (128 + n); the others' codes are their own.
    assert.deepEqual(parts.map((p) => p.code), [0, 3, 0, 0, 143, 0]);
    assert.equal(alone[5]!.stdout, '', 'cat reads nothing: every command gets /dev/null as stdin');
  });

  it('the same long script for many paths is sent once, in a variable', () => {
    const paths = Array.from({ length: 40 }, (_, i) => `/etc/k8sbm-batch/${i}.conf`);
    const script = batchScript(paths.map((p) => fileFactArgv(p)), newMarker())!;
    const once = fileFactArgv('/x')[2]!;
    assert.equal(script.split(once.slice(0, 40)).length - 1, 1, 'the file fact script appears once');
    assert.ok(script.length < once.length + 40 * 200, `${script.length} bytes for 40 paths`);
  });

  it('file facts read in a batch parse as they do read alone (a missing path, a file, a folder)', () => {
    const paths = ['/etc/hostname', '/etc', '/nonexistent/k8sbm/x', '/etc/passwd'];
    const marker = newMarker();
    const parts = splitBatch(runSh(['sh', '-c', batchScript(paths.map((p) => fileFactArgv(p)), marker)!]), paths.length, marker)!;
    paths.forEach((p, i) => assert.deepEqual(fileFact.parse(parts[i]!, p), fileFact.parse(runSh(fileFactArgv(p)), p), p));
  });

  it('output that is not whole (a missing marker, a failed batch) is refused, not guessed', () => {
    const marker = newMarker();
    const res = runSh(['sh', '-c', batchScript([['echo', 'a'], ['echo', 'b']], marker)!]);
    assert.ok(splitBatch(res, 2, marker));
    assert.equal(splitBatch(res, 3, marker), undefined, 'a third command that never answered');
    assert.equal(splitBatch({ ...res, code: 1 }, 2, marker), undefined, 'the batch itself failed (sudo refused, killed)');
    assert.equal(splitBatch(res, 2, newMarker()), undefined, 'another marker');
  });

  it('a text that names the marker cannot fake the end of a command: the marker is random', () => {
    assert.notEqual(newMarker(), newMarker());
    assert.match(newMarker(), /^k8sbm-batch-[0-9a-f]{32}$/);
  });

  it('a batch longer than the limit is not built', () => {
    const big = Array.from({ length: 200 }, (_, i) => ['echo', `${i}-${'x'.repeat(150)}`]);
    assert.equal(batchScript(big.slice(0, 1), newMarker())!.length < BATCH_SCRIPT_LIMIT, true);
    assert.equal(batchScript(Array.from({ length: 2000 }, (_, i) => ['echo', `${i}-${'x'.repeat(100)}`]), newMarker()), undefined);
  });
});

describe('fact cache', () => {
  const res = (s: string): ExecResult => ({ code: 0, signal: null, stdout: s, stderr: '' });
  const filled = (): FactCache => {
    const c = new FactCache();
    for (const p of ['/etc/a/x.conf', '/etc/a', '/etc/b/y.conf', '/etc/a/sub/z.conf', '/etc/ab.conf']) c.put(`file ${p}`, 'file', p, res(p));
    c.put('sysctl', 'sysctl', '', res('sysctl'));
    return c;
  };
  const left = (c: FactCache): string[] => ['/etc/a/x.conf', '/etc/a', '/etc/b/y.conf', '/etc/a/sub/z.conf', '/etc/ab.conf'].filter((p) => c.has(`file ${p}`));

  it('a change of a module that names all it writes drops those paths, their parents and children, and every fact that is not a path', () => {
    const c = filled();
    c.changed([{ fact: 'file', key: '/etc/a/sub', value: {} }], true);
    assert.deepEqual(left(c), ['/etc/a/x.conf', '/etc/b/y.conf', '/etc/ab.conf']);
    assert.equal(c.has('sysctl'), false);
  });

  it('an answer older than a minute is read again', () => {
    let now = 1_000;
    const c = new FactCache(() => now);
    c.put('k', 'file', '/etc/x', res('x'));
    now += 59_000;
    assert.ok(c.has('k'));
    now += 2_000;
    assert.equal(c.peek('k'), undefined);
  });

  it('answers dropped before any task used them halve how far the next batch looks; a batch used whole doubles it again', () => {
    const c = new FactCache();
    assert.equal(c.window, MAX_WINDOW);
    c.put('a', 'file', '/a', res('a'));
    c.put('b', 'file', '/b', res('b'));
    c.serve('a');
    c.clear();
    assert.equal(c.window, MAX_WINDOW / 2, 'b was read for nothing');
    for (let i = 0; i < 10; i++) { c.put('x', 'file', '/x', res('x')); c.clear(); }
    assert.equal(c.window, 4, 'never below four tasks');
    c.put('y', 'file', '/y', res('y'));
    c.serve('y');
    c.batched();
    assert.equal(c.window, 8);
    c.put('used', 'file', '/u', res('u'), true);
    c.clear();
    assert.equal(c.window, 8, 'dropping what was used costs nothing');
  });

  it('any other change drops everything', () => {
    for (const [effects, complete] of [[[{ fact: 'file', key: '/etc/a', value: {} }], false], [[], true], [[{ fact: 'sysctl', key: '', value: {} }], true]] as const) {
      const c = filled();
      c.changed(effects, complete);
      assert.equal(c.size, 0, JSON.stringify(effects));
    }
  });
});

describe('fact cache: paths below a directory a change created', () => {
  // Real answers of the file fact from /bin/sh, before and after a real mkdir -p, in a folder of this test's own.
  let root = '';
  before(() => { root = tempDir('fact-cache'); });
  after(() => removeTempDir(root));
  const reach = 'root-reach';
  const keyOf = (p: string, r = reach): string => FactCache.keyOf(r, fileFact.argv(p));
  const newDir = (path: string, mode = '0750', extra: Record<string, unknown> = {}) => ({ fact: 'file', key: path, value: { exists: true, parentIsDir: true, type: 'directory', mode, ...extra } });

  it('what was missing below it is kept as missing below the new directory, and reads so after the real mkdir -p', () => {
    const made = join(root, 'new/a');
    const paths = [join(made, 'b'), join(made, 'b/c'), join(root, 'new/x'), join(root, 'new'), root, join(root, 'elsewhere')];
    const c = new FactCache();
    for (const p of paths) c.put(keyOf(p), 'file', p, runSh(fileFact.argv(p)));
    assert.equal(fileFact.parse(c.peek(keyOf(join(made, 'b')))!, join(made, 'b')).existingAncestor, root);
    // What `file: state=directory` declares for it: the directory it made on the way, then itself.
    c.changed([newDir(join(root, 'new'), '0755'), newDir(made)], true, reach);
    spawnSync('mkdir', ['-p', '-m', '0750', '--', made]);
    const kept = paths.filter((p) => c.has(keyOf(p)));
    assert.deepEqual(kept, [join(made, 'b'), join(made, 'b/c'), join(root, 'new/x'), join(root, 'elsewhere')], 'the new directories themselves and the one they went into are read again');
    for (const p of kept) assert.deepEqual(fileFact.parse(c.peek(keyOf(p))!, p), fileFact.parse(runSh(fileFact.argv(p)), p), p);
    assert.equal(c.window, MAX_WINDOW / 2, 'two answers dropped unused (the directory made on the way, the folder it went into): the window is halved once');
  });

  it('read again instead: another reach, a new owner, a mode its maker cannot search, a path that was there, a change that names more than directories', () => {
    const made = join(root, 'other');
    const p = join(made, 'f');
    const cases: [string, (c: FactCache) => void, string?][] = [
      ['another reach', (c) => c.changed([newDir(made)], true, 'another')],
      ['no reach known', (c) => c.changed([newDir(made)], true)],
      ['given to another owner', (c) => c.changed([newDir(made, '0750', { owner: 'www-data' })], true, reach)],
      ['given to another uid', (c) => c.changed([newDir(made, '0750', { uid: 33 })], true, reach)],
      ['mode 0600', (c) => c.changed([newDir(made, '0600')], true, reach)],
      ['a file, not a directory', (c) => c.changed([{ fact: 'file', key: made, value: { exists: true, type: 'file', mode: '0644' } }], true, reach)],
      ['not complete', (c) => c.changed([newDir(made)], false, reach)],
      ['the directory existed: the answer was missing below it, not below its parent', (c) => c.changed([newDir(made)], true, reach), root],
    ];
    for (const [why, change, existing] of cases) {
      const c = new FactCache();
      if (existing !== undefined) {
        // An answer that says the path's nearest existing folder is the changed directory itself.
        spawnSync('mkdir', ['-p', made]);
        c.put(keyOf(p), 'file', p, runSh(fileFact.argv(p)));
        rmSync(made, { recursive: true });
      } else {
        c.put(keyOf(p), 'file', p, runSh(fileFact.argv(p)));
      }
      change(c);
      assert.equal(c.has(keyOf(p)), false, why);
    }
    const c = new FactCache();
    c.put(keyOf('/etc/hostname'), 'file', '/etc/hostname', runSh(fileFact.argv('/etc/hostname')));
    c.changed([newDir('/etc/hostname/x')], true, reach);
    assert.equal(c.has(keyOf('/etc/hostname')), false, 'a path that exists, above the change');
  });

  it('many answers dropped for nothing by one change halve the window once', () => {
    const c = new FactCache();
    for (const p of ['/a/1', '/a/2', '/a/3', '/a/4']) c.put(keyOf(p), 'file', p, runSh(fileFact.argv(p)));
    c.changed([{ fact: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }], true, reach);
    assert.equal(c.size, 0);
    assert.equal(c.window, MAX_WINDOW / 2);
  });
});

describe('reading through the batch', () => {
  const read = (p: string): Read => ({ def: fileFact as never, arg: p });
  const key = (p: string): string => FactCache.keyOf('k', fileFact.argv(p));

  function setup(ahead: string[]) {
    const sent: (readonly string[])[] = [];
    const exec = async (argv: readonly string[]): Promise<ExecResult> => { sent.push(argv); return runSh(argv); };
    const b: FactBatch = { cache: new FactCache(), reachKey: 'k', used: new Set(), discover: async () => ahead.map(read) };
    return { sent, exec, b };
  }

  it('a miss reads every fact ahead in one exec; the next task finds its fact there; a second read of one thing goes to the host', async () => {
    const { sent, exec, b } = setup(['/etc/hostname', '/etc/passwd', '/etc']);
    const first = await readThroughBatch(b, read('/etc/hostname'), exec);
    assert.equal(sent.length, 1);
    assert.deepEqual(fileFact.parse(first, '/etc/hostname'), fileFact.parse(runSh(fileFact.argv('/etc/hostname')), '/etc/hostname'));
    assert.ok(b.cache.has(key('/etc/passwd')) && b.cache.has(key('/etc')));
    const next: FactBatch = { ...b, used: new Set() };
    await readThroughBatch(next, read('/etc/passwd'), exec);
    assert.equal(sent.length, 1, 'the next task read nothing');
    await readThroughBatch(next, read('/etc/passwd'), exec);
    assert.deepEqual(sent.slice(1), [fileFact.argv('/etc/passwd')], 'read again, alone');
  });

  it('nothing else to read: the fact is read alone, with no batch around it', async () => {
    const { sent, exec, b } = setup(['/etc/hostname']);
    await readThroughBatch(b, read('/etc/hostname'), exec);
    assert.deepEqual(sent, [fileFact.argv('/etc/hostname')]);
  });

  it('a batch that does not come back whole: the fact is read alone, and nothing is kept from the batch', async () => {
    const sent: (readonly string[])[] = [];
    const exec = async (argv: readonly string[]): Promise<ExecResult> => { sent.push(argv); return argv[0] === 'sh' && argv.length === 3 ? { code: 1, signal: null, stdout: '', stderr: 'sudo: a password is required' } : runSh(argv); };
    const b: FactBatch = { cache: new FactCache(), reachKey: 'k', used: new Set(), discover: async () => [read('/etc/passwd')] };
    const r = await readThroughBatch(b, read('/etc/hostname'), exec);
    assert.equal(r.code, 0);
    assert.equal(sent.length, 2);
    assert.equal(b.cache.has(key('/etc/passwd')), false);
  });
});
