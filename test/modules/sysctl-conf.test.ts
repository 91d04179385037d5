import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  normalizeSysctlValue, parseSysctlFactOutput, sysctlFact, sysctlFactArgv, sysctlKeyName, sysctlKeyPath,
} from '../../src/facts/sysctl.js';
import { FactError } from '../../src/facts/types.js';
import { confValue, editSysctlConf, parseSysctlConf } from '../../src/modules/system/sysctl-conf.js';
import { checkReadBack, sysctlWriteAction, writtenSettings } from '../../src/modules/system/sysctl-runtime.js';
import { sysctl, sysctlValueText, wantedSettings } from '../../src/modules/system/sysctl.js';
import { validateParams } from '../../src/schema/params.js';
import { K8sbmError } from '../../src/source/errors.js';
import { fixture } from '../helpers/paths.js';

const ok = (stdout: string, code = 0) => ({ code, signal: null, stdout, stderr: '' });

describe('sysctl keys and values', () => {
  it('dotted and path forms name the same key; dots inside an interface name survive', () => {
    assert.equal(sysctlKeyName('net/ipv4/ip_forward'), 'net.ipv4.ip_forward');
    assert.equal(sysctlKeyName('net/ipv4/conf/eth0.100/rp_filter'), 'net.ipv4.conf.eth0/100.rp_filter');
    assert.equal(sysctlKeyPath('net.ipv4.conf.eth0/100.rp_filter'), 'net/ipv4/conf/eth0.100/rp_filter');
    assert.equal(sysctlKeyPath('net/ipv4/conf/eth0.100/rp_filter'), 'net/ipv4/conf/eth0.100/rp_filter');
    assert.equal(sysctlKeyPath('vm.swappiness'), 'vm/swappiness');
  });

  it('a key can never leave /proc/sys: the params schema refuses it, as name and in settings', () => {
    const where = { loc: { file: 'site.yml', line: 1, col: 1 }, subject: 'sysctl' };
    const refused = (key: string): boolean => {
      const forms = [{ name: key, value: 1 }, { settings: { [key]: 1 } }];
      const verdicts = forms.map((p) => {
        try {
          validateParams(sysctl, p, where, { allowTemplates: false });
          return false;
        } catch (e) {
          assert.ok(e instanceof K8sbmError && e.code === 'K8SBM_PARAM_INVALID', String(e));
          return true;
        }
      });
      assert.equal(verdicts[0], verdicts[1], key);
      return verdicts[0]!;
    };
    // What the schema's patterns say, spelt out: the path under /proc/sys has no empty, "." or ".." part.
    const leaves = (key: string): boolean => !/^[A-Za-z0-9_+:./-]+$/.test(key) || sysctlKeyPath(key).split('/').some((p) => p === '' || p === '.' || p === '..');
    for (const bad of ['net..ipv4', 'net/../../etc/passwd', '.net', 'net.', 'a b', 'x=1', 'k*', '', 'net./.x', 'net.//.x', 'net/./x', '/net', 'net/', 'a./']) {
      assert.ok(leaves(bad), bad);
      assert.ok(refused(bad), bad);
    }
    for (const good of ['net.ipv4.conf.eth0/100.rp_filter', 'net/ipv4/conf/eth0.100/rp_filter', 'net.bridge.bridge-nf-call-iptables', 'kernel', 'a.///.b', 'a/.../b', 'a/b.c']) {
      assert.ok(!leaves(good), good);
      assert.ok(!refused(good), good);
    }
    // Every short key over the characters that matter: the schema and the spelt-out rule agree.
    const chars = ['a', '.', '/'];
    const keys = [''];
    for (let n = 1; n <= 5; n++) for (const k of keys.filter((x) => x.length === n - 1)) for (const c of chars) keys.push(k + c);
    for (const k of keys) assert.equal(refused(k), leaves(k), JSON.stringify(k));
  });

  it('values compare as whitespace-separated fields; booleans are 1/0 as in Ansible', () => {
    assert.equal(normalizeSysctlValue(' 4096\t87380   6291456\n'), '4096 87380 6291456');
    assert.equal(sysctlValueText('4096\t87380 6291456'), '4096 87380 6291456');
    assert.equal(sysctlValueText(true), '1');
    assert.equal(sysctlValueText('No'), '0');
    assert.equal(sysctlValueText(262144), '262144');
    assert.equal(sysctlValueText('bbr'), 'bbr');
  });

  it('name/value and settings give the same wanted map; absent ignores values', () => {
    assert.deepEqual([...wantedSettings({ name: 'net/ipv4/ip_forward', value: 1 })], [['net.ipv4.ip_forward', '1']]);
    assert.deepEqual([...wantedSettings({ settings: { 'vm.swappiness': 10, 'kernel.sysrq': null } })], [['vm.swappiness', '10'], ['kernel.sysrq', null]]);
    assert.deepEqual([...wantedSettings({ settings: { 'vm.swappiness': 10 }, state: 'absent' })], [['vm.swappiness', null]]);
  });
});

describe('sysctl.d file edits keep every other byte', () => {
  const text = '# comment\n; other comment\nnet.ipv4.ip_forward=1\n  vm.swappiness =\t10  \n-kernel/sysrq = 0\nnot a setting\n';

  it('parses keys in both forms, the ignore-failure dash, comments and junk', () => {
    assert.deepEqual(parseSysctlConf(text), [
      { line: 2, key: 'net.ipv4.ip_forward', value: '1' },
      { line: 3, key: 'vm.swappiness', value: '10' },
      { line: 4, key: 'kernel.sysrq', value: '0' },
    ]);
    assert.equal(confValue('a.b = 1\na.b = 2\n', 'a.b'), '2');
  });

  it('an unchanged key is no edit at all, even with odd spacing', () => {
    assert.equal(editSysctlConf(text, new Map([['vm.swappiness', '10'], ['net.ipv4.ip_forward', '1']])), text);
  });

  it('a changed key is rewritten in place; a new key is appended', () => {
    assert.equal(
      editSysctlConf(text, new Map([['vm.swappiness', '1'], ['net.core.somaxconn', '4096']])),
      '# comment\n; other comment\nnet.ipv4.ip_forward=1\nvm.swappiness = 1\n-kernel/sysrq = 0\nnot a setting\nnet.core.somaxconn = 4096\n',
    );
  });

  it('removal drops every line of the key; a file without a final newline keeps it that way unless appended to', () => {
    assert.equal(editSysctlConf('a.b = 1\nc.d = 2\na/b=3', new Map([['a.b', null]])), 'c.d = 2');
    assert.equal(editSysctlConf('c.d = 2', new Map([['e.f', '1']])), 'c.d = 2\ne.f = 1\n');
    assert.equal(editSysctlConf('', new Map([['e.f', '1']])), 'e.f = 1\n');
  });
});

describe('sysctl fact', () => {
  it('parses output captured on a Linux host: values, tabs, path-form keys, write-only, missing, directories, a symlinked file', () => {
    const q = {
      keys: ['net.ipv4.ip_forward', 'net.ipv4.tcp_rmem', 'net/ipv4/conf/lo/rp_filter', 'net.ipv4.route.flush', 'net.ipv4.k8sbm_nonexistent', 'net.ipv4', 'kernel.ostype'],
      files: ['/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.d/99-k8sbm.conf'],
    };
    const f = parseSysctlFactOutput(ok(readFileSync(fixture('facts', 'sysctl', 'net-keys-and-link.stdout'), 'utf8')), q);
    assert.deepEqual(f.values['net.ipv4.ip_forward'], { value: '0', writable: true });
    assert.match(f.values['net.ipv4.tcp_rmem']!.value!, /^4096 \d+ \d+$/, 'tabs become single spaces');
    assert.deepEqual(f.values['net.ipv4.conf.lo.rp_filter'], { value: '0', writable: true });
    assert.deepEqual(f.values['net.ipv4.route.flush'], { writable: true }, 'write-only: no value');
    assert.equal(f.values['net.ipv4.k8sbm_nonexistent'], null);
    assert.equal(f.values['net.ipv4'], null, 'a directory is not a key');
    assert.deepEqual(f.values['kernel.ostype'], { value: 'Linux', writable: false });
    assert.equal(f.files['/etc/sysctl.d/99-sysctl.conf']!.type, 'link');
    assert.equal(f.files['/etc/sysctl.d/99-sysctl.conf']!.linkTarget, '../sysctl.conf');
    assert.deepEqual(f.files['/etc/sysctl.d/99-k8sbm.conf'], { exists: false, parentIsDir: true });
  });

  // Captured on a lab node (`k8sbm lab`): only net.* is writable under a node's /proc/sys.
  it('net.* is writable in a node, vm.* is not', () => {
    const text = readFileSync(fixture('facts', 'sysctl', 'lab-node-read-only-vm.stdout'), 'utf8');
    const f = parseSysctlFactOutput(ok(text), { keys: ['net.ipv4.ip_forward', 'vm.swappiness', 'net.core.somaxconn'], files: ['/etc/sysctl.d/99-k8sbm.conf'] });
    assert.deepEqual(f.values, {
      'net.ipv4.ip_forward': { value: '0', writable: true },
      'vm.swappiness': { value: '60', writable: false },
      'net.core.somaxconn': { value: '4096', writable: true },
    });
  });

  it('one exec, keys and files as positional parameters, host-wide key', () => {
    const argv = sysctlFactArgv({ keys: ['net/ipv4/ip_forward'], files: ['/etc/sysctl.d//x.conf'] });
    assert.equal(argv[0], 'sh');
    assert.deepEqual(argv.slice(3, 4), ['k8sbm-sysctl']);
    assert.deepEqual(argv.slice(7), ['net.ipv4.ip_forward', 'net/ipv4/ip_forward', '@@files', '/etc/sysctl.d/x.conf']);
    assert.equal(sysctlFact.key({ keys: ['a.b'], files: [] }), '');
  });

  it('refuses output it does not understand', () => {
    assert.throws(() => parseSysctlFactOutput({ code: 1, signal: null, stdout: '', stderr: 'sh: boom' }, { keys: [], files: [] }), FactError);
    assert.throws(() => parseSysctlFactOutput(ok('@@k8sbm sysctl 1\n'), { keys: ['a.b'], files: [] }), /no answer for a\.b/);
  });
});

describe('setting running values', () => {
  it('writes exactly the keys given, each with its /proc/sys path', () => {
    const a = sysctlWriteAction([['net.ipv4.conf.eth0/100.rp_filter', '2'], ['net.ipv4.tcp_rmem', '4096 87380 6291456']]);
    assert.deepEqual(a.argv.slice(3), ['k8sbm-sysctl-set', 'net.ipv4.conf.eth0/100.rp_filter', 'net/ipv4/conf/eth0.100/rp_filter', '2', 'net.ipv4.tcp_rmem', 'net/ipv4/tcp_rmem', '4096 87380 6291456']);
    assert.deepEqual(writtenSettings(a.argv), [['net.ipv4.conf.eth0/100.rp_filter', '2'], ['net.ipv4.tcp_rmem', '4096 87380 6291456']]);
  });

  it('a value read back differently (the kernel adjusted it) is an error naming both values', () => {
    const written: [string, string][] = [['net.core.somaxconn', '70000'], ['net.ipv4.tcp_rmem', '4096 87380 6291456']];
    checkReadBack('@@k8sbm value net.core.somaxconn\n70000\n@@k8sbm value net.ipv4.tcp_rmem\n4096\t87380\t6291456\n', written, 'n1');
    assert.throws(() => checkReadBack('@@k8sbm value net.core.somaxconn\n65535\n', written, 'n1'), (e: unknown) =>
      e instanceof K8sbmError && e.code === 'K8SBM_SYSCTL_ADJUSTED' && /wrote "70000", the kernel reports "65535"/.test(e.message));
  });
});
