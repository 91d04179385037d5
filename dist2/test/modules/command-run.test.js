import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeExit } from '../../src/contract/exit.js';
import { commandResult } from '../../src/modules/commands/command-run.js';
import { splitShellWords } from '../../src/transport/quote.js';
const res = (code, stderr = '', stdout = '', signal = null) => ({ code, signal, stdout, stderr });
describe('splitShellWords', () => {
    const cases = [
        ['ls -l /etc', ['ls', '-l', '/etc']],
        ['  echo   "a  b"  ', ['echo', 'a  b']],
        ["echo 'it''s'", ['echo', 'its']],
        ['echo "say \\"hi\\"" \\$HOME', ['echo', 'say "hi"', '$HOME']],
        ["echo '\\n'", ['echo', '\\n']],
        ['echo "" x', ['echo', '', 'x']],
        ['a|b > c', ['a|b', '>', 'c']],
    ];
    for (const [line, argv] of cases)
        it(line, () => assert.deepEqual(splitShellWords(line), argv));
    it('refuses an unterminated quote', () => assert.throws(() => splitShellWords("echo 'x"), /unterminated single quote/));
});
describe('describeExit', () => {
    it('127 is command not found, with the stderr tail', () => {
        const d = describeExit(res(127, 'sh: 1: kubeadm: not found\n'));
        assert.equal(d.headline, 'exit code 127 (command not found)');
        assert.deepEqual(d.tail, ['sh: 1: kubeadm: not found']);
        assert.equal(d.tailFrom, 'stderr');
    });
    it('126, 128+n and a bare signal', () => {
        assert.equal(describeExit(res(126)).meaning, 'found but not executable (or permission denied)');
        assert.equal(describeExit(res(137)).meaning, 'killed by signal SIGKILL (9)');
        assert.equal(describeExit(res(143)).meaning, 'killed by signal SIGTERM (15)');
        assert.equal(describeExit(res(null, '', '', 'SIGSEGV')).headline, 'killed by signal SIGSEGV');
    });
    it('gives a meaning only where the code has one whatever the program', () => {
        // ls exits 2 for a missing file, grep 1 for no match: no guessed "misuse" or "general error".
        const ls = describeExit(res(2, "ls: cannot access '/nope': No such file or directory\n"));
        assert.equal(ls.meaning, undefined);
        assert.equal(ls.headline, 'exit code 2');
        assert.equal(describeExit(res(1)).headline, 'exit code 1');
    });
    it('sudo asking for a password is named as such', () => {
        assert.match(describeExit(res(1, 'sudo: a password is required\n')).meaning ?? '', /NOPASSWD/);
    });
    it('keeps only the last lines, and falls back to stdout', () => {
        const many = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
        assert.deepEqual(describeExit(res(1, many)).tail.slice(0, 1), ['line 20']);
        const d = describeExit(res(2, '', 'usage: x [-h]\n'));
        assert.deepEqual([d.tailFrom, ...d.tail], ['stdout', 'usage: x [-h]']);
    });
});
describe('commandResult', () => {
    it('trims the final newline and splits lines, like Ansible', () => {
        assert.deepEqual(commandResult(res(0, 'warn\n', 'a\nb\n'), ['x']), {
            cmd: ['x'], rc: 0, stdout: 'a\nb', stderr: 'warn', stdout_lines: ['a', 'b'], stderr_lines: ['warn'], changed: true,
        });
        assert.deepEqual(commandResult(res(0), 'true').stdout_lines, []);
    });
});
//# sourceMappingURL=command-run.test.js.map