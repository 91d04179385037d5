import { isSecret } from '../../src/util/secret.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { keyPosOf } from '../../src/source/loc.js';
import { expandHostPattern, expandHostnameRange, parseAddress, parseAnsibleYaml, parseIniValue } from '../../src/inventory/index.js';
import { pyRepr } from '../../src/inventory/pyliteral.js';
import { shlexSplit, shlexWords } from '../../src/inventory/shlex.js';

describe('host ranges', () => {
  it('keeps zero padding and honours strides', () => {
    assert.deepEqual(expandHostnameRange('node[01:10]').slice(-2), ['node09', 'node10']);
    assert.equal(expandHostnameRange('node[01:10]').length, 10);
    assert.deepEqual(expandHostnameRange('n[1:10:3]'), ['n1', 'n4', 'n7', 'n10']);
    assert.deepEqual(expandHostnameRange('n[:2]'), ['n0', 'n1', 'n2']);
  });
  it('expands letters and several ranges in one name', () => {
    assert.deepEqual(expandHostnameRange('rack-[a:c]'), ['rack-a', 'rack-b', 'rack-c']);
    assert.deepEqual(expandHostnameRange('r[1:2]-[x:y]'), ['r1-x', 'r1-y', 'r2-x', 'r2-y']);
  });
  it('gives nothing for a reversed numeric range, and rejects bad ones', () => {
    assert.deepEqual(expandHostnameRange('n[5:1]'), []);
    assert.throws(() => expandHostnameRange('n[01:100]'), /equal-length/);
    assert.throws(() => expandHostnameRange('n[1:]'), /end value/);
    assert.throws(() => expandHostnameRange('n[c:a]'), /begin <= end/);
    assert.throws(() => expandHostnameRange('n[1:2:3:4]'), /begin:end/);
  });
  it('splits host:port and leaves other text alone', () => {
    assert.deepEqual(expandHostPattern('web[1:2].lan:2222'), { names: ['web1.lan', 'web2.lan'], port: 2222 });
    assert.deepEqual(expandHostPattern('[2001:db8::1]:22'), { names: ['2001:db8::1'], port: 22 });
    assert.deepEqual(expandHostPattern('fe80::1'), { names: ['fe80::1'], port: undefined });
    assert.deepEqual(expandHostPattern('odd@name:22'), { names: ['odd@name:22'], port: undefined });
  });
  it('recognises addresses and host names like parse_address', () => {
    assert.deepEqual(parseAddress('10.0.0.1:80', false), { host: '10.0.0.1', port: 80 });
    assert.equal(parseAddress('n[1:3]', false), undefined);
    assert.equal(parseAddress('bad_', true), undefined);
  });
});

describe('shlex (POSIX, comments)', () => {
  it('removes quotes, keeps escapes and stops at #', () => {
    assert.deepEqual(shlexWords(`h a="x y" b='q "r"' c=d\\ e f=1#comment g=2`), ['h', 'a=x y', 'b=q "r"', 'c=d e', 'f=1']);
    assert.deepEqual(shlexWords('x "" y'), ['x', '', 'y']);
    assert.deepEqual(shlexWords('"a\\"b" "c\\d"'), ['a"b', 'c\\d']);
  });
  it('reports where each word and its value start', () => {
    const w = shlexSplit('host  key="v v"');
    assert.deepEqual(w.map((x) => [x.start, x.valueStart]), [[0, undefined], [6, 10]]);
  });
  it('throws on an unclosed quote', () => {
    assert.throws(() => shlexSplit('a "b'), /No closing quotation/);
  });
});

describe('Python literals in INI values', () => {
  const cases: [string, unknown][] = [
    ['5', 5], ['-5', -5], ['+3', 3], ['1_000', 1000], ['0x1F', 31], ['0o17', 15], ['0b11', 3], ['00', 0],
    ['1.5', 1.5], ['.5', 0.5], ['1e3', 1000], ['True', true], ['False', false], ['None', null],
    ["'a'", 'a'], ['"a" "b"', 'ab'], ["'\\x41\\n'", 'A\n'], ["r'\\n'", '\\n'], ["u'x'", 'x'],
    ['[1, [2, 3]]', [1, [2, 3]]], ["{'a': 1, 2: 'b'}", { a: 1, '2': 'b' }], ['(1, 2)', [1, 2]], ['1, 2', [1, 2]],
    ['(1,)', [1]], ['()', []], ['{}', {}], ['  7', 7], ['8 # comment', 8],
    // not literals: kept as written
    ['05', '05'], ['yes', 'yes'], ['true', 'true'], ['1+2', '1+2'], ['--1', '--1'], ['-True', '-True'],
    ['a b', 'a b'], ['', ''], ['[1,', '[1,'], ['1__0', '1__0'], ['0x', '0x'], ['f"x"', 'f"x"'], ['/srv/www', '/srv/www'],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => assert.deepEqual(parseIniValue(text), want));
  }
  it('prints values the way Python str() does for --graph --vars', () => {
    assert.equal(pyRepr({ a: [1, 'x', true, null], "it's": 'q' }), `{'a': [1, 'x', True, None], "it's": 'q'}`);
  });
});

describe('YAML as Ansible reads it (1.1, PyYAML resolver)', () => {
  it('resolves plain scalars like PyYAML', () => {
    const v = parseAnsibleYaml([
      'a: yes', 'b: off', 'c: y', 'd: 0644', 'e: 1e3', 'f: 1.0e+3', 'g: 1:30', 'h: ~', 'i:', 'j: 0x1f',
      'k: 2024-01-31', 'l: "yes"', 'm: .5', 'n: -.5', 'o: !!str 5', 'p: !unsafe "{{ x }}"', 'q: 09', 'r: 1_000',
    ].join('\n'), 'v.yml');
    assert.deepEqual(v, {
      a: true, b: false, c: 'y', d: 420, e: '1e3', f: 1000, g: 90, h: null, i: null, j: 31,
      k: '2024-01-31', l: 'yes', m: 0.5, n: '-.5', o: '5', p: '{{ x }}', q: '09', r: 1000,
    });
  });
  it('reads JSON with JSON number rules, and records positions', () => {
    const v = parseAnsibleYaml('{"x": 1e3,\n "y": [true]}', 'v.json') as Record<string, unknown>;
    assert.deepEqual(v, { x: 1000, y: [true] });
    assert.equal(keyPosOf(v, 'y')?.key.line, 2);
  });
  it('keeps the last of duplicate keys and resolves merge keys', () => {
    assert.deepEqual(parseAnsibleYaml('a: 1\na: 2\nb: &x {p: 1, q: 2}\nc: {<<: *x, q: 3}\n', 'd.yml'), {
      a: 2, b: { p: 1, q: 2 }, c: { q: 3, p: 1 },
    });
  });
  it('turns vault-tagged values into secrets that open on first use (test/unit/vault.test.ts opens them)', () => {
    const d = parseAnsibleYaml('s: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n', 's.yml') as Record<string, unknown>;
    assert.ok(isSecret(d.s));
    assert.equal(JSON.stringify(d), '{"s":"***"}');
  });
  it('reports syntax errors with file:line:col', () => {
    assert.throws(() => parseAnsibleYaml('a: 1\nb: 2\n c: 3\n', 'bad.yml'), (e: unknown) =>
      e instanceof K8sbmError && e.code === 'K8SBM_YAML_SYNTAX' && e.loc?.file === 'bad.yml' && e.loc.line === 2 && e.loc.col === 4);
  });
});
