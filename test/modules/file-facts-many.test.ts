import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/temp.js';
import { CONTENT_LIMIT, fileContentFact, fileFact, fileFactsMany, splitFileFacts } from '../../src/facts/file.js';
import { planReads, type Read } from '../../src/engine/fact-batch.js';
import { actionToExec } from '../../src/transport/actions.js';
import type { FactDef } from '../../src/facts/types.js';
import type { ExecResult } from '../../src/transport/connection.js';

/**
 * Many paths' file facts in one command, run by the real /bin/sh with the machine's coreutils:
 * every path must read exactly as the one-path command reads it, with a handful of processes.
 */

function runSh(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecResult {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('file facts of many paths in one command', () => {
  const dir = tempDir('files', { after });
  let paths: string[] = [];
  before(() => {
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'a.conf'), 'hello\nworld\n');
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'binary'), Buffer.from([0, 1, 2, 255, 254, 10]));
    writeFileSync(join(dir, 'large'), Buffer.alloc(CONTENT_LIMIT + 1, 0x61));
    writeFileSync(join(dir, 'with space'), 'x');
    writeFileSync(join(dir, 'new\nline'), 'n');
    writeFileSync(join(dir, 'back\\slash'), 'b');
    writeFileSync(join(dir, 'sub', 'setuid'), '#!/bin/sh\n');
    chmodSync(join(dir, 'sub', 'setuid'), 0o4755);
    symlinkSync('a.conf', join(dir, 'link'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    paths = [
      join(dir, 'a.conf'), join(dir, 'empty'), join(dir, 'binary'), join(dir, 'large'), join(dir, 'with space'),
      join(dir, 'new\nline'), join(dir, 'back\\slash'), join(dir, 'sub', 'setuid'), join(dir, 'link'), join(dir, 'dangling'),
      join(dir, 'sub'), join(dir, 'missing'), join(dir, 'no', 'such', 'dir', 'file'), join(dir, 'a.conf', 'below-a-file'),
      join(dir, 'a.conf'),
    ];
  });

  for (const def of [fileFact, fileContentFact]) {
    const what = def === fileFact ? 'hash only' : 'with content';
    it(`${what}: every path parses as read alone`, () => {
      const many = def.many!(paths);
      const answers = many.split(runSh(many.argv));
      assert.equal(answers.length, paths.length);
      paths.forEach((p, i) => {
        assert.ok(answers[i], `${JSON.stringify(p)} answered`);
        assert.deepEqual(def.parse(answers[i]!, p), def.parse(runSh(def.argv(p)), p), JSON.stringify(p));
      });
      const a = def.parse(answers[0]!, paths[0]!);
      assert.equal(a.content?.toString(), def === fileContentFact ? 'hello\nworld\n' : undefined);
    });
  }

  it('the bulk reads start a few processes, not some per path', () => {
    // strace is not on every machine: count the programs through a PATH of wrappers instead.
    const bin = join(dir, 'bin');
    const log = join(dir, 'calls.log');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['stat', 'sha256sum', 'cat', 'base64', 'readlink', 'dirname']) {
      const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(bin, tool), `#!/bin/sh\necho ${tool} >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
    }
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    writeFileSync(log, '');
    const many = fileContentFact.many!(paths);
    const answers = many.split(runSh(many.argv, env));
    assert.ok(answers.every((x) => x !== undefined));
    const calls = spawnSync('cat', [log], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    // one stat, one sha256sum, one cat | base64, and a readlink per link (two links here)
    assert.deepEqual(calls, ['base64', 'cat', 'readlink', 'readlink', 'sha256sum', 'stat']);
    writeFileSync(log, '');
    runSh(fileContentFact.argv(paths[0]!), env);
    assert.deepEqual(spawnSync('cat', [log], { encoding: 'utf8' }).stdout.trim().split('\n').sort(), ['base64', 'sha256sum', 'stat'], 'one path alone');
  });

  it('when the bulk reads do not line up, each path is read by the one-path script, with the same answers', () => {
    // A sha256sum that prints nothing stands for one that disagrees with stat about the paths.
    const bin = join(dir, 'bin-bad');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'sha256sum'), '#!/bin/sh\ncat > /dev/null\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const some = [paths[0]!, paths[1]!, paths[11]!];
    const many = fileContentFact.many!(some);
    const res = runSh(many.argv, env);
    const answers = many.split(res);
    some.forEach((p, i) => assert.deepEqual(fileContentFact.parse(answers[i]!, p), fileContentFact.parse(runSh(fileContentFact.argv(p), env), p)));
    assert.equal(fileContentFact.parse(answers[0]!, some[0]!).content?.toString(), 'hello\nworld\n', 'content from the one-path script');
  });

  it('content that does not add up to the sizes stat gave is not answered; the rest is', () => {
    const token = 'k8sbm-files-test';
    const section = (i: number, body: string): string => `k8sbm-file 1\nparent=1\n${body}\n${token} ${i} 0\n`;
    const output = (content: string): string => section(0, 'stat=81a4 0 0 5 root:root\nsha256=aa') + section(1, 'exists=0')
      + section(2, 'stat=41ed 0 0 4096 root:root') + `${token} content\n${Buffer.from(content).toString('base64')}\n`;
    const stdout = output('hello!');
    const answers = splitFileFacts({ code: 0, signal: null, stdout, stderr: '' }, 3, token, true);
    assert.equal(answers[0], undefined, 'six bytes arrived for a five-byte file');
    assert.ok(answers[1] && answers[2]);
    const whole = splitFileFacts({ code: 0, signal: null, stdout: output('hello'), stderr: '' }, 3, token, true);
    assert.equal(fileContentFact.parse(whole[0]!, '/x').content?.toString(), 'hello');
    assert.deepEqual(splitFileFacts({ code: 1, signal: null, stdout, stderr: '' }, 3, token, true), [undefined, undefined, undefined]);
    assert.deepEqual(splitFileFacts({ code: 0, signal: null, stdout, stderr: '' }, 4, token, true), [undefined, undefined, undefined, undefined], 'a fourth section never came');
  });

  it('a batch sends one command for all file reads of a kind and answers each read', () => {
    const reads: Read[] = [
      { def: fileFact as FactDef<unknown, unknown>, arg: paths[0] },
      { def: { name: 'other', key: () => '', argv: () => ['echo', 'other'], parse: (r) => r.stdout } as FactDef<unknown, unknown>, arg: undefined },
      { def: fileFact as FactDef<unknown, unknown>, arg: paths[1] },
      { def: fileContentFact as FactDef<unknown, unknown>, arg: paths[0] },
      { def: fileFact as FactDef<unknown, unknown>, arg: paths[11] },
    ];
    const plan = planReads(reads);
    assert.equal(plan.argvs.length, 3, 'hash-only files, the other fact, one content read alone');
    const answers = plan.answers(plan.argvs.map((a) => runSh(a)));
    assert.equal(answers[1]!.stdout, 'other\n');
    reads.forEach((r, i) => {
      if (i === 1) return;
      assert.deepEqual(r.def.parse(answers[i]!, r.arg), r.def.parse(runSh(r.def.argv(r.arg)), r.arg));
    });
  });

  it('an upload reads its file\'s stat line right after moving it into place, as the file fact reads it', () => {
    const dest = join(dir, 'uploaded.conf');
    const req = actionToExec({ kind: 'upload', dest, content: 'up\n', mode: '0640' }, undefined, { marker: 'k8sbm-test-mark' });
    const r = spawnSync(req.argv[0]!, req.argv.slice(1), { input: req.stdin, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const at = r.stdout.indexOf('\nk8sbm-test-mark\n');
    assert.ok(at >= 0, r.stdout);
    const alone = runSh(fileContentFact.argv(dest)).stdout;
    assert.equal(`stat=${r.stdout.slice(at + '\nk8sbm-test-mark\n'.length)}`, /^stat=.*\n/m.exec(alone)![0]);
    assert.equal(fileContentFact.parse(runSh(fileContentFact.argv(dest)), dest).mode, '0640', 'the mode given at creation');
  });

  it('the one-path script finds the nearest existing folder without a process per level', () => {
    const deep = join(dir, 'a', 'b', 'c', 'd', 'e', 'f');
    const st = fileFact.parse(runSh(fileFact.argv(deep)), deep);
    assert.deepEqual(st, { exists: false, parentIsDir: false, existingAncestor: dir });
    const rel = fileFact.parse(runSh(['sh', '-c', fileFact.argv('x')[2]!, 'k8sbm-file', 'no-such/x', 'no-such', 'meta']), 'no-such/x');
    assert.equal(rel.existingAncestor, '.');
  });
});
