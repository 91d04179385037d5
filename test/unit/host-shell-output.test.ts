import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import type { ExecRequest, ExecResult } from '../../src/transport/connection.js';
import { Gathered } from '../../src/transport/gathered.js';
import { HostShell, type ShellChannel } from '../../src/transport/host-shell.js';
import { INLINE_PAYLOAD_MAX, withInlinePayload } from '../../src/transport/inline-payload.js';

/**
 * How the host shell reads a command's output back: whatever way the transport cuts the stream
 * into chunks, the output, the exit status and the end markers come out the same. The shell is
 * the real one (its script run by the machine's sh); only the chunking is the test's.
 */

describe('Gathered', () => {
  const marker = Buffer.from('\nEND-MARK ');

  it('finds a marker inside one chunk and keeps its offset as more arrives', () => {
    const g = new Gathered();
    assert.equal(g.add(Buffer.from('hello'), marker), -1);
    assert.equal(g.add(Buffer.from('\nEND-MARK 0'), marker), 5);
    assert.equal(g.add(Buffer.from('\n'), marker), 5);
    assert.equal(g.slice(0, 5).toString(), 'hello');
    assert.equal(g.slice(5 + marker.length).toString(), '0\n');
  });

  it('finds a marker cut over many chunks, one byte each', () => {
    const g = new Gathered();
    const text = Buffer.from('abc\nEND-MAR\nEND-MARK 7\n');
    let at = -1;
    for (const byte of text) at = g.add(Buffer.from([byte]), marker);
    assert.equal(at, 11);
    assert.equal(g.length, text.length);
    assert.equal(g.slice(0, at).toString(), 'abc\nEND-MAR');
  });

  it('does not find a marker that never came whole', () => {
    const g = new Gathered();
    for (const part of ['xx\nEND-', 'MAR', 'Kx ', '\nEND-MARK']) assert.equal(g.add(Buffer.from(part), marker), -1);
    assert.equal(g.slice(0).toString(), 'xx\nEND-MARKx \nEND-MARK');
  });
});

/** A channel running `argv` on this machine, its output handed on in chunks of `chunk` bytes. */
function localChannel(argv: string[], chunk: number, opened: ShellChannel[]): Promise<ShellChannel> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const cut = (f: (b: Buffer) => void) => (b: Buffer): void => {
    for (let i = 0; i < b.length; i += chunk) f(b.subarray(i, i + chunk));
  };
  let out: (b: Buffer) => void = () => {};
  let err: (b: Buffer) => void = () => {};
  child.stdout.on('data', (b: Buffer) => out(b));
  child.stderr.on('data', (b: Buffer) => err(b));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const ch: ShellChannel = {
    write: (d) => { child.stdin.write(d); },
    end: () => { child.stdin.end(); },
    onStdout: (f) => { out = cut(f); },
    onStderr: (f) => { err = cut(f); },
    onClose: (f) => { void closed.then(f); },
  };
  opened.push(ch);
  return Promise.resolve(ch);
}

describe('the host shell read back in small chunks', () => {
  for (const chunk of [1, 3, 4096]) {
    it(`gives each command's output and status whole with chunks of ${chunk} byte(s)`, async () => {
      const opened: ShellChannel[] = [];
      let dead = false;
      const shell = await HostShell.start((argv) => localChannel(argv, chunk, opened), () => { dead = true; });
      assert.ok(shell, 'the shell started');
      try {
        const big = 'x'.repeat(70_000);
        const cases = [
          { argv: ['sh', '-c', 'head -c 70000 /dev/zero | tr "\\0" x; printf err >&2; exit 3'], code: 3, stdout: big, stderr: 'err' },
          { argv: ['sh', '-c', 'printf "no newline"'], code: 0, stdout: 'no newline', stderr: '' },
          { argv: ['sh', '-c', 'printf "a\\n\\n"; exit 141'], code: null, stdout: 'a\n\n', stderr: '' },
        ];
        for (const c of cases) {
          const r: ExecResult | undefined = await shell.run({ argv: c.argv, light: true });
          assert.ok(r, 'ran in the shell');
          assert.equal(r.stdout, c.stdout);
          assert.equal(r.stderr, c.stderr);
          assert.equal(r.code, c.code);
          if (c.code === null) assert.equal(r.signal, 'SIGPIPE');
        }
        assert.equal(dead, false, 'the shell is still alive after its commands');
      } finally {
        await shell.close(5_000);
      }
    });
  }
});

describe('which payloads travel in the request text (withInlinePayload)', () => {
  const script = (stdin: string | Buffer, more: Partial<ExecRequest> = {}): ExecRequest =>
    ({ argv: ['sh', '-c', 'printf %s "$2"', 'k8sbm-test', 'one'], stdin, stdinAsArg: true, light: true, ...more });

  it('short text for a script that takes it: one more argument, no stdin', () => {
    assert.deepEqual(withInlinePayload(script("it's\n")), { ...script("it's\n"), argv: ['sh', '-c', 'printf %s "$2"', 'k8sbm-test', 'one', "it's\n"], stdin: undefined });
    assert.deepEqual(withInlinePayload(script(Buffer.from('é\n')))?.argv.at(-1), 'é\n');
    assert.deepEqual(withInlinePayload(script('x'.repeat(INLINE_PAYLOAD_MAX)))?.argv.at(-1)?.length, INLINE_PAYLOAD_MAX);
  });

  it('stdin as before: too long, a NUL byte, not UTF-8, no stdinAsArg, or a script the shell does not run itself', () => {
    assert.equal(withInlinePayload(script('x'.repeat(INLINE_PAYLOAD_MAX + 1))), undefined);
    assert.equal(withInlinePayload(script('é'.repeat(INLINE_PAYLOAD_MAX / 2 + 1))), undefined, 'the limit is in bytes');
    assert.equal(withInlinePayload(script('a\0b')), undefined);
    assert.equal(withInlinePayload(script(Buffer.from([0x66, 0xff]))), undefined);
    assert.equal(withInlinePayload(script('x', { stdinAsArg: undefined })), undefined);
    assert.equal(withInlinePayload(script('x', { stdin: undefined })), undefined);
    // With a timeout or an environment the script runs as `sh`, its arguments on a command line.
    assert.equal(withInlinePayload(script('x', { timeoutMs: 1000 })), undefined);
    assert.equal(withInlinePayload(script('x', { env: { A: '1' } })), undefined);
    assert.equal(withInlinePayload(script('x', { argv: ['sh', '-c', 'echo $$'] })), undefined);
    assert.equal(withInlinePayload(script('x', { argv: ['cat'] })), undefined);
  });
});
