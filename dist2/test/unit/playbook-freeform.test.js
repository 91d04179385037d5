import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFreeFormArgs, parseKeyValueArgs, splitArgs } from '../../src/playbook/index.js';
const COMMAND_OPTIONS = new Set(['cmd', 'argv', 'creates', 'removes', 'chdir']);
describe('splitArgs', () => {
    it('splits on whitespace but keeps quoted text and template blocks whole', () => {
        const tokens = splitArgs(`echo "a b" 'c d' x={{ a | default('b c') }} {% if x %}y{% endif %}`).map((t) => t.text);
        assert.deepEqual(tokens, ['echo', '"a b"', "'c d'", "x={{ a | default('b c') }}", '{% if x %}y{% endif %}']);
    });
    it('records where each token stands in the text', () => {
        const [a, b] = splitArgs('  ab   cd');
        assert.deepEqual([a.start, a.end, b.start, b.end], [2, 4, 7, 9]);
    });
    it('keeps escaped quotes inside double quotes', () => {
        assert.deepEqual(splitArgs('msg="say \\"hi\\"" x').map((t) => t.text), ['msg="say \\"hi\\""', 'x']);
    });
});
describe('parseFreeFormArgs (command: ls -l)', () => {
    it('puts the whole string in the free-form param', () => {
        assert.deepEqual(parseFreeFormArgs('ls -l /tmp', 'cmd', COMMAND_OPTIONS), { cmd: 'ls -l /tmp' });
    });
    it('splits off trailing key=value options the module knows', () => {
        assert.deepEqual(parseFreeFormArgs('kubeadm init creates=/etc/kubernetes/admin.conf chdir=/root', 'cmd', COMMAND_OPTIONS), { cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf', chdir: '/root' });
    });
    it('takes options wherever they stand, as Ansible does', () => {
        assert.deepEqual(parseFreeFormArgs('chdir=/srv make all', 'cmd', COMMAND_OPTIONS), { chdir: '/srv', cmd: 'make all' });
        assert.deepEqual(parseFreeFormArgs('a removes=/x b', 'cmd', COMMAND_OPTIONS), { removes: '/x', cmd: 'a b' });
    });
    it('leaves key=value words that are not options of the module in the command', () => {
        assert.deepEqual(parseFreeFormArgs('env FOO=1 cmd=x run', 'cmd', COMMAND_OPTIONS), { cmd: 'env FOO=1 cmd=x run' });
    });
    it('unquotes option values', () => {
        assert.deepEqual(parseFreeFormArgs(`touch x creates='/a b'`, 'cmd', COMMAND_OPTIONS), { cmd: 'touch x', creates: '/a b' });
    });
    it('keeps a multi-line script as written when there are no options', () => {
        const script = 'set -e\nX=1\necho $X\n';
        assert.deepEqual(parseFreeFormArgs(script, 'cmd', COMMAND_OPTIONS), { cmd: script });
    });
    it('gives no free-form param when only options were written', () => {
        assert.deepEqual(parseFreeFormArgs('creates=/x', 'cmd', COMMAND_OPTIONS), { creates: '/x' });
    });
});
describe('parseKeyValueArgs (file: path=/x state=directory)', () => {
    it('reads every key=value pair with quoted values', () => {
        assert.deepEqual(parseKeyValueArgs(`path=/etc/k8s state=directory msg="a b" other='c d' tpl={{ x }}/y`).args, { path: '/etc/k8s', state: 'directory', msg: 'a b', other: 'c d', tpl: '{{ x }}/y' });
    });
    it('reports the first word that is not key=value', () => {
        assert.deepEqual(parseKeyValueArgs('path=/x directory'), { args: { path: '/x' }, bad: 'directory' });
    });
    it('reads an empty string as no params', () => {
        assert.deepEqual(parseKeyValueArgs('  '), { args: {} });
    });
});
//# sourceMappingURL=playbook-freeform.test.js.map