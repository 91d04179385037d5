import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { KCONFIG_SYMBOLS, kernelModuleName, kmodFact, kmodFactArgv, parseKmodFactOutput, parseProcModules } from '../../src/facts/kmod.js';
import { FactError, FactParseError } from '../../src/facts/types.js';
import { blacklistFileOf, loadFileOf, optionsFileOf, wantedModuleFiles } from '../../src/modules/system/modprobe.js';
import { fixture } from '../helpers/paths.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const ok = (stdout: string, code = 0) => ({ code, signal: null, stdout, stderr: '' });
const stdoutOf = (name: string): string => readFileSync(fixture('facts', 'kmod', `${name}.stdout`), 'utf8');

describe('kmod fact', () => {
  it('a kernel without loadable modules (captured): nothing loaded, built-ins found through /sys/module', () => {
    const q = { names: ['overlay', 'br_netfilter', 'nf-conntrack', 'floppy'], files: ['/etc/modules-load.d/modules.conf', '/etc/modprobe.d/floppy-blacklist.conf'] };
    const f = parseKmodFactOutput(ok(stdoutOf('no-module-support')), q);
    assert.equal(f.loadable, false);
    assert.equal(f.modprobe, null);
    assert.deepEqual(f.loaded, {});
    assert.deepEqual(f.builtin, { overlay: true, br_netfilter: false, nf_conntrack: true, floppy: false });
    assert.equal(f.files['/etc/modules-load.d/modules.conf']!.type, 'link');
    assert.deepEqual(f.files['/etc/modprobe.d/floppy-blacklist.conf'], { exists: false, parentIsDir: false });
  });

  it('a kernel with modules: users, reference counts, taint flags and modprobe\'s path', () => {
    const f = parseKmodFactOutput(ok(stdoutOf('loaded-modules')), { names: ['br_netfilter', 'unix'], files: ['/etc/modules-load.d/br_netfilter.conf'] });
    assert.equal(f.loadable, true);
    assert.equal(f.modprobe, '/usr/sbin/modprobe');
    assert.deepEqual(f.loaded.bridge, { refcount: 1, usedBy: ['br_netfilter'] });
    assert.deepEqual(f.loaded.llc, { refcount: 2, usedBy: ['bridge', 'stp'] });
    assert.deepEqual(f.loaded.zfs, { refcount: 6, usedBy: [] });
    assert.ok('dummy' in f.loaded, 'a module being unloaded is still listed');
    assert.deepEqual(f.builtin, { br_netfilter: false, unix: true });
    assert.equal(f.files['/etc/modules-load.d/br_netfilter.conf']!.text, 'br_netfilter\n');
  });

  it('names go to the script in both spellings; the kernel spells them with underscores', () => {
    assert.equal(kernelModuleName('br-netfilter'), 'br_netfilter');
    const argv = kmodFactArgv({ names: ['br-netfilter'], files: ['/etc/modprobe.d/x.conf'] });
    assert.deepEqual(argv.slice(7), ['br_netfilter', 'br-netfilter', '@@files', '/etc/modprobe.d/x.conf']);
  });

  it('on this machine, a module its kernel configuration builds in (SYMBOL=y) and /sys/module does not list counts as built in', () => {
    // What the fact script must find, read here from the same sources.
    const config = existsSync('/proc/config.gz') ? gunzipSync(readFileSync('/proc/config.gz')).toString('utf8')
      : existsSync(`/boot/config-${release()}`) ? readFileSync(`/boot/config-${release()}`, 'utf8') : '';
    const builtinList = existsSync(`/lib/modules/${release()}/modules.builtin`) ? readFileSync(`/lib/modules/${release()}/modules.builtin`, 'utf8') : '';
    const names = Object.keys(KCONFIG_SYMBOLS).filter((m) => !existsSync(`/sys/module/${m}`) && !builtinList.includes(`/${m}.ko`));
    const argv = kmodFactArgv({ names, files: [] });
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    const f = parseKmodFactOutput({ code: r.status ?? -1, signal: null, stdout: r.stdout, stderr: r.stderr }, { names, files: [] });
    const want = Object.fromEntries(names.map((m) => [m, new RegExp(`^CONFIG_${KCONFIG_SYMBOLS[m]}=y$`, 'm').test(config)]));
    assert.deepEqual(f.builtin, want);
  });

  it('modules.builtin: a name in either spelling is found among thousands of lines, a longer or prefixed name is not', () => {
    // The script as shipped, its list read from a temporary file instead of /lib/modules (which
    // a test must not write); names no kernel has, so /sys/module and the configuration say nothing.
    const dir = tempDir('kmod-builtin');
    try {
      const list = join(dir, 'modules.builtin');
      const lines = Array.from({ length: 4000 }, (_, i) => `kernel/drivers/misc/k8sbmfiller${i}.ko`);
      lines.splice(1234, 0, 'kernel/net/k8sbm-test-dashed.ko', 'kernel/fs/k8sbmtest_under.ko', 'kernel/fs/k8sbmtest_longer_x.ko', 'kernel/fs/xk8sbmtest_pre.ko');
      writeFileSync(list, `${lines.join('\n')}\n`);
      const names = ['k8sbm_test_dashed', 'k8sbmtest_under', 'k8sbmtest_longer', 'k8sbmtest_pre', 'k8sbmtest_absent'];
      const argv = kmodFactArgv({ names, files: [] });
      assert.ok(argv[2]!.includes('list=/lib/modules/$rel/modules.builtin'), 'the script reads the list from where the kernel puts it');
      argv[2] = argv[2]!.replace('list=/lib/modules/$rel/modules.builtin', `list=${list}`);
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
      const f = parseKmodFactOutput({ code: r.status ?? -1, signal: null, stdout: r.stdout, stderr: r.stderr }, { names, files: [] });
      assert.deepEqual(f.builtin, { k8sbm_test_dashed: true, k8sbmtest_under: true, k8sbmtest_longer: false, k8sbmtest_pre: false, k8sbmtest_absent: false });
    } finally {
      removeTempDir(dir);
    }
  });

  it('a prediction lacking a name or file asks for just those; what is loaded stays the prediction\'s', () => {
    const predicted = { loadable: true, modprobe: '/sbin/modprobe', loaded: { loop: { refcount: 0, usedBy: [] } }, builtin: { loop: false }, files: {} };
    const partial = kmodFact.partial!;
    assert.deepEqual(partial.missing(predicted, { names: ['loop', 'dummy'], files: ['/etc/a'] }), { names: ['dummy'], files: ['/etc/a'] });
    assert.equal(partial.missing(predicted, { names: ['loop'], files: [] }), undefined);
    const fresh = { loadable: true, modprobe: '/sbin/modprobe', loaded: {}, builtin: { dummy: false }, files: { '/etc/a': { exists: false } } };
    const merged = partial.merge(predicted, fresh);
    assert.deepEqual(merged.loaded, predicted.loaded);
    assert.deepEqual(merged.builtin, { loop: false, dummy: false });
  });

  it('rejects what is not its output', () => {
    assert.throws(() => parseKmodFactOutput({ code: 2, signal: null, stdout: '', stderr: 'boom' }, { names: [], files: [] }), FactError);
    assert.throws(() => parseProcModules('x 1 many - Live 0x0\n'), FactParseError);
  });
});

describe('modprobe files', () => {
  it('persistent=present: the boot entry, and the options line only with params', () => {
    assert.deepEqual(wantedModuleFiles({ name: 'overlay', persistent: 'present' }), [{ path: loadFileOf('overlay'), text: 'overlay\n' }]);
    assert.deepEqual(wantedModuleFiles({ name: 'loop', persistent: 'present', params: ' max_loop=64 ' }), [
      { path: '/etc/modules-load.d/loop.conf', text: 'loop\n' },
      { path: '/etc/modprobe.d/loop.conf', text: 'options loop max_loop=64\n' },
    ]);
    assert.equal(optionsFileOf('loop'), '/etc/modprobe.d/loop.conf');
  });

  it('blacklist: the blacklist first, then the boot entry goes; blacklist false removes it; unset touches nothing', () => {
    assert.deepEqual(wantedModuleFiles({ name: 'floppy', blacklist: true }), [
      { path: blacklistFileOf('floppy'), text: 'blacklist floppy\ninstall floppy /bin/false\n' },
      { path: '/etc/modules-load.d/floppy.conf', text: null },
    ]);
    assert.deepEqual(wantedModuleFiles({ name: 'floppy', blacklist: false }), [{ path: '/etc/modprobe.d/floppy-blacklist.conf', text: null }]);
    assert.deepEqual(wantedModuleFiles({ name: 'floppy' }), []);
  });
});
