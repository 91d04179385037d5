import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { NETCFG_APPLY, NETCFG_CONFIRM_PROBE } from '../../../src/modules/network/netcfg-apply.js';
import { eventually } from '../../helpers/ssh-env.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * network_config's apply script, the real one, run with this machine's sh. What would change the
 * machine's network (ip, ifup, ifdown, networkctl, netplan) are doubles first on PATH that record
 * their calls. The paths the script writes (/etc/network, /etc/systemd, /etc/netplan,
 * /var/lib) and the links it looks for (/sys/class/net) are a test folder's, bind-mounted over
 * the real ones in a mount namespace of the script's own (unshare -m, private propagation):
 * outside it, the machine sees nothing, which the last check proves with hashes of those folders.
 */

const DOUBLE = `#!/bin/sh
# TEST DOUBLE of ip, ifup, ifdown, networkctl and netplan (named by the link it is called by)
# -- NOT those tools: it changes no network. network_config's apply-script test puts it first on
# PATH. It appends "NAME ARGS" to $NETCFG_DOUBLE_LOG, with a tab and the first line of
# $NETCFG_DOUBLE_WATCH as it is at the call ("absent" when it is not there); for
# "netplan generate --root-dir DIR", the files of DIR/etc/netplan instead. It waits for
# $NETCFG_DOUBLE_GATE to exist when that is set. It exits 0, or CODE when a line "CODE PREFIX"
# of $NETCFG_DOUBLE_RULES is a prefix of "NAME ARGS". With $NETCFG_DOUBLE_REAL_IFUP set, an
# "ifup --no-act" is handed to that real ifup after it is recorded.
me=\${0##*/}
line="$me $*"
seen=
if [ "$me $1 $2" = "netplan generate --root-dir" ]; then seen=$(ls "$3/etc/netplan" | tr '\\n' ' ')
elif [ -n "\${NETCFG_DOUBLE_WATCH-}" ]; then seen=$(head -n 1 "$NETCFG_DOUBLE_WATCH" 2>/dev/null || echo absent)
fi
printf '%s\\t%s\\n' "$line" "$seen" >> "$NETCFG_DOUBLE_LOG"
if [ -n "\${NETCFG_DOUBLE_GATE-}" ]; then while [ ! -e "$NETCFG_DOUBLE_GATE" ]; do sleep 0.05; done; fi
if [ -n "\${NETCFG_DOUBLE_RULES-}" ] && [ -f "$NETCFG_DOUBLE_RULES" ]; then
  while read -r code prefix; do
    case "$line" in "$prefix"*) echo "$me (double): refused" >&2; exit "$code" ;; esac
  done < "$NETCFG_DOUBLE_RULES"
fi
if [ "$me" = ifup ] && [ -n "\${NETCFG_DOUBLE_REAL_IFUP-}" ]; then
  case " $* " in *" --no-act "*) exec "$NETCFG_DOUBLE_REAL_IFUP" "$@" ;; esac
fi
exit 0
`;
const TOOLS = ['ip', 'ifup', 'ifdown', 'networkctl', 'netplan'];

/** Bind the sandbox's folders over the real ones, check it took, then run the script. */
const SANDBOX = `root=$1 script=$2; shift 2
for d in etc/network etc/systemd etc/netplan var/lib sys/class/net; do
  mount --bind "$root/$d" "/$d" || exit 97
done
[ -e /var/lib/.netcfg-sandbox ] || exit 98
exec sh -c "$script" "$@"`;

/** The folders the script may write, on the real machine: their files and contents' hashes. */
const WATCHED = ['/etc/network', '/etc/systemd/network', '/etc/netplan', '/var/lib/k8sbm'];
function machineState(): string {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) { out.push(`${p} absent`); return; }
    const st = statSync(p);
    if (st.isDirectory()) { out.push(`${p}/ ${st.mode.toString(8)}`); for (const e of readdirSync(p).sort()) walk(join(p, e)); }
    else out.push(`${p} ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  };
  WATCHED.forEach(walk);
  // Lab links (bridge k8sbm-ID, veths kb-ID-NN) come and go with other test files' labs running
  // beside this one; the script makes neither kind.
  out.push(`/sys/class/net: ${readdirSync('/sys/class/net').filter((l) => !/^(k8sbm|kb)-[0-9a-f]{6}(-\d+)?$/.test(l)).sort().join(' ')}`);
  return out.join('\n');
}

const canUnshare = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { encoding: 'utf8' }).status === 0;
const skip = canUnshare ? false : 'needs root and unshare -m (a mount namespace of its own)';

interface Sandbox {
  readonly root: string;
  /** Where the node's files are, seen from outside: root + the path. */
  at(path: string): string;
  /** The doubles' calls, "NAME ARGS\tSEEN", the staging folder's random part as X. */
  calls(): string[];
  env: NodeJS.ProcessEnv;
}

function sandbox(t: TestContext, links: readonly string[] = [], files: Readonly<Record<string, string>> = {}, dirs = ['etc/network/interfaces.d', 'etc/systemd/network', 'etc/netplan']): Sandbox {
  const root = tempDir('netcfg-apply', t);
  for (const d of ['bin', 'etc/systemd', ...dirs, 'var/lib', 'sys/class/net']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'var/lib/.netcfg-sandbox'), '');
  for (const l of links) mkdirSync(join(root, 'sys/class/net', l));
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  for (const tool of TOOLS) { writeFileSync(join(root, 'bin', tool), DOUBLE); chmodSync(join(root, 'bin', tool), 0o755); }
  const log = join(root, 'calls.log');
  writeFileSync(log, '');
  return {
    root,
    at: (p) => join(root, p),
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/\/apply\.[A-Za-z0-9]+\//g, '/apply.X/').trimEnd()),
    env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, NETCFG_DOUBLE_LOG: log, NETCFG_DOUBLE_RULES: join(root, 'rules') },
  };
}

interface Args { renderer: string; wait?: string; downs?: string; deletes?: string; ups?: string; cleanup?: string }
const w = (path: string, mode: string, text: string): string => `W ${path} ${mode} ${Buffer.from(text).toString('base64')}`;

function apply(s: Sandbox, a: Args, stdin: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const argv = [a.renderer, a.wait ?? 'wait', a.downs ?? '', a.deletes ?? '', a.ups ?? '', a.cleanup ?? ''];
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SANDBOX, 'netcfg-sandbox', s.root, NETCFG_APPLY, 'k8sbm-netcfg-apply', ...argv], {
    input: `${stdin.join('\n')}\n`, encoding: 'utf8', timeout: 60_000, env: { ...s.env, ...env },
  });
  assert.ok(r.status !== 97 && r.status !== 98, `the sandbox did not take: ${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What is left in the script's own folder (the staging folders of finished changes go). */
const leftovers = (s: Sandbox): string[] => (existsSync(s.at('var/lib/k8sbm/network')) ? readdirSync(s.at('var/lib/k8sbm/network')).sort() : []);

const IFACES = '/etc/network/interfaces.d/k8sbm';
const OLD = '# old file\nauto eno3\niface eno3 inet manual\n';
const NEW = '# new file\nauto bond0\niface bond0 inet manual\n    bond-slaves eno1 eno2\n';

describe('network_config apply script', { skip }, () => {
  let machineBefore = '';
  before(() => { machineBefore = machineState(); });

  it('ifupdown: no-act check of the staged file, downs with the old file, flush, deletes, the file, ups, cleanup', (t) => {
    const s = sandbox(t, ['eno3', 'bond0', 'bond0.2000', 'bond0.2002'], { [IFACES.slice(1)]: OLD });
    const r = apply(s, { renderer: 'ifupdown', downs: 'eno3 bond0.2002', deletes: 'bond0.2002 bond0.2009', ups: 'bond0 bond0.2000', cleanup: 'addr del 10.20.0.99/24 dev bond0.2000\nroute del 10.40.0.0/16 dev bond0.2000' },
      [w(IFACES, '0644', NEW)], { NETCFG_DOUBLE_WATCH: IFACES });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), [
      'ifup --no-act --force --state-dir=/var/lib/k8sbm/network/apply.X/state -i /var/lib/k8sbm/network/apply.X/f1 -a\t# old file',
      'ifdown --force eno3\t# old file',
      'ifdown --force bond0.2002\t# old file',
      'ip addr flush dev bond0 scope global\t# old file',
      'ip addr flush dev bond0.2000 scope global\t# old file',
      // bond0.2009 is not there (/sys/class/net): nothing to delete.
      'ip link delete dev bond0.2002\t# old file',
      'ifup --force bond0\t# new file',
      'ifup --force bond0.2000\t# new file',
      'ip addr del 10.20.0.99/24 dev bond0.2000\t# new file',
      'ip route del 10.40.0.0/16 dev bond0.2000\t# new file',
    ]);
    assert.equal(readFileSync(s.at(IFACES), 'utf8'), NEW);
    assert.equal(statSync(s.at(IFACES)).mode & 0o777, 0o644);
    assert.match(r.stderr, /^\+ ifdown --force eno3\n\+ ifdown --force bond0\.2002\n\+ ip link delete dev bond0\.2002\nwrote \/etc\/network\/interfaces\.d\/k8sbm\n\+ ifup --force bond0\n\+ ifup --force bond0\.2000\n\+ ip addr del 10\.20\.0\.99\/24 dev bond0\.2000\n/);
    assert.equal(readFileSync(s.at('var/lib/k8sbm/network/applied.rc'), 'utf8'), '0\n');
    assert.deepEqual(leftovers(s), ['applied.log', 'applied.rc'], 'the staging folder is gone');
    assert.equal(statSync(s.at('var/lib/k8sbm/network')).mode & 0o777, 0o700);
  });

  it('ifupdown: a refused file stops everything: exit 2, the message names the real path, nothing moved or called', (t) => {
    const s = sandbox(t, ['bond0'], { [IFACES.slice(1)]: OLD, rules: '1 ifup --no-act\n' });
    const r = apply(s, { renderer: 'ifupdown', downs: 'bond0', deletes: 'bond0', ups: 'bond0' }, [w(IFACES, '0644', NEW)]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ifup --no-act refuses the configuration:\nifup (double): refused\n');
    assert.deepEqual(s.calls().map((c) => c.split(' ').slice(0, 2).join(' ')), ['ifup --no-act']);
    assert.equal(readFileSync(s.at(IFACES), 'utf8'), OLD);
    assert.deepEqual(leftovers(s), []);
  });

  it('ifupdown with the real ifup for the no-act check: a sound file passes, a broken one is refused with its real path', { skip: existsSync('/usr/sbin/ifup') ? false : 'ifupdown is not installed' }, (t) => {
    const env = { NETCFG_DOUBLE_REAL_IFUP: '/usr/sbin/ifup' };
    const good = sandbox(t, [], { [IFACES.slice(1)]: OLD });
    const ok = apply(good, { renderer: 'ifupdown', ups: 'dummy0' }, [w(IFACES, '0644', 'auto dummy0\niface dummy0 inet static\n    address 192.0.2.10/24\n    pre-up true\n')], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(good.calls().slice(1), ['ifup --force dummy0']);

    const bad = sandbox(t, [], { [IFACES.slice(1)]: OLD });
    const refused = apply(bad, { renderer: 'ifupdown', ups: 'dummy0' }, [w(IFACES, '0644', 'auto dummy0\niface dummy0 inet statik\n')], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /^ifup --no-act refuses the configuration:\n/);
    assert.match(refused.stderr, /\/etc\/network\/interfaces\.d\/k8sbm:2/);
    assert.ok(!refused.stderr.includes('/var/lib/k8sbm'), refused.stderr);
    assert.equal(readFileSync(bad.at(IFACES), 'utf8'), OLD);
  });

  it('networkd: deletes, then the files (written and removed), networkctl reload, networkctl reconfigure of the ups', (t) => {
    const nd = '/etc/systemd/network';
    const s = sandbox(t, ['bond0'], { [`etc/systemd/network/10-k8sbm-old.network`]: '[Match]\nName=old\n', 'etc/systemd/network/20-other.network': 'theirs\n' });
    const r = apply(s, { renderer: 'networkd', deletes: 'bond0', ups: 'bond0 bond0.2000' }, [
      w(`${nd}/10-k8sbm-bond0.netdev`, '0644', '# bond0 netdev\n[NetDev]\nName=bond0\nKind=bond\n'),
      w(`${nd}/10-k8sbm-bond0.network`, '0644', '[Match]\nName=bond0\n'),
      `R ${nd}/10-k8sbm-old.network`,
    ], { NETCFG_DOUBLE_WATCH: `${nd}/10-k8sbm-bond0.netdev` });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), [
      'ip link delete dev bond0\tabsent',
      'networkctl reload\t# bond0 netdev',
      'networkctl reconfigure bond0 bond0.2000\t# bond0 netdev',
    ]);
    assert.deepEqual(r.stderr.split('\n').filter((l) => /^(wrote|removed) /.test(l)), [
      `wrote ${nd}/10-k8sbm-bond0.netdev`, `wrote ${nd}/10-k8sbm-bond0.network`, `removed ${nd}/10-k8sbm-old.network`,
    ]);
    assert.deepEqual(readdirSync(s.at('etc/systemd/network')).sort(), ['10-k8sbm-bond0.netdev', '10-k8sbm-bond0.network', '20-other.network']);
    assert.equal(readFileSync(s.at('etc/systemd/network/20-other.network'), 'utf8'), 'theirs\n');
  });

  it('networkd and netplan: links no longer configured (DOWNS) are set down after the renderer took its files', (t) => {
    const nd = '/etc/systemd/network';
    const s = sandbox(t, ['eno3'], { 'etc/systemd/network/10-k8sbm-eno3.network': '[Match]\nName=eno3\n' });
    const r = apply(s, { renderer: 'networkd', downs: 'eno3 eno4' }, [`R ${nd}/10-k8sbm-eno3.network`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), ['networkctl reload', 'ip link set dev eno3 down']);
    const np = sandbox(t, ['eno3'], { 'etc/netplan/60-k8sbm.yaml': '# old\n' });
    assert.equal(apply(np, { renderer: 'netplan', downs: 'eno3' }, [w('/etc/netplan/60-k8sbm.yaml', '0600', '# new\n')]).code, 0);
    assert.deepEqual(np.calls().slice(1), ['netplan generate', 'netplan apply', 'ip link set dev eno3 down']);
  });

  it('networkd with nothing to bring up: reload only', (t) => {
    const s = sandbox(t, [], { 'etc/systemd/network/10-k8sbm-old.network': 'x\n' });
    const r = apply(s, { renderer: 'networkd' }, ['R /etc/systemd/network/10-k8sbm-old.network']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), ['networkctl reload']);
  });

  it('netplan: generate into a scratch root with the node\'s other files first; then generate and apply', (t) => {
    const yaml = '# k8sbm netplan\nnetwork:\n  version: 2\n';
    const s = sandbox(t, [], { 'etc/netplan/50-cloud-init.yaml': 'network: {version: 2}\n', 'etc/netplan/60-k8sbm.yaml': '# old k8sbm netplan\n' });
    const r = apply(s, { renderer: 'netplan', ups: 'bond0' }, [w('/etc/netplan/60-k8sbm.yaml', '0600', yaml)], { NETCFG_DOUBLE_WATCH: '/etc/netplan/60-k8sbm.yaml' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.calls(), [
      'netplan generate --root-dir /var/lib/k8sbm/network/apply.X/root\t50-cloud-init.yaml 60-k8sbm.yaml',
      'netplan generate\t# k8sbm netplan',
      'netplan apply\t# k8sbm netplan',
    ]);
    assert.equal(readFileSync(s.at('etc/netplan/60-k8sbm.yaml'), 'utf8'), yaml);
    assert.equal(statSync(s.at('etc/netplan/60-k8sbm.yaml')).mode & 0o777, 0o600);
  });

  it('netplan: a configuration generate refuses: exit 2 with its message, nothing moved, nothing applied', (t) => {
    const s = sandbox(t, ['bond0'], { 'etc/netplan/60-k8sbm.yaml': '# old\n', rules: '1 netplan generate --root-dir\n' });
    const r = apply(s, { renderer: 'netplan', deletes: 'bond0', ups: 'bond0' }, [w('/etc/netplan/60-k8sbm.yaml', '0600', '# new\n')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'netplan generate refuses the configuration:\nnetplan (double): refused\n');
    assert.equal(s.calls().length, 1);
    assert.equal(readFileSync(s.at('etc/netplan/60-k8sbm.yaml'), 'utf8'), '# old\n');
    assert.deepEqual(leftovers(s), []);
  });

  it('wait: a step that fails does not stop the rest; the script exits with its code and the log on stderr', (t) => {
    const s = sandbox(t, [], { rules: '3 ifup --force bond0.2000\n' });
    const r = apply(s, { renderer: 'ifupdown', ups: 'bond0 bond0.2000 br0' }, [w(IFACES, '0644', NEW)]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /\+ ifup --force bond0\.2000\nifup \(double\): refused\nexit 3\n\+ ifup --force br0\n/);
    assert.deepEqual(s.calls().map((c) => c.split('\t')[0]).slice(-3), ['ifup --force bond0', 'ifup --force bond0.2000', 'ifup --force br0']);
    assert.equal(readFileSync(s.at('var/lib/k8sbm/network/applied.rc'), 'utf8'), '3\n');
  });

  it('detach: returns at once; the worker goes on in its own session and leaves its outcome in applied.rc and applied.log', async (t) => {
    const gate = join(tempDir('netcfg-gate', t), 'go');
    const s = sandbox(t, [], { rules: '5 networkctl reconfigure\n' });
    const r = apply(s, { renderer: 'networkd', wait: 'detach', ups: 'bond0' }, [w('/etc/systemd/network/10-k8sbm-bond0.network', '0644', '[Match]\nName=bond0\n')], { NETCFG_DOUBLE_GATE: gate });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'detached\n');
    const rc = s.at('var/lib/k8sbm/network/applied.rc');
    await eventually(() => s.calls().length === 1, 'the worker\'s first call');
    assert.ok(!existsSync(rc), 'the worker is still held by the gate');
    writeFileSync(gate, '');
    await eventually(() => existsSync(rc), 'the worker\'s outcome', 30_000);
    assert.equal(readFileSync(rc, 'utf8'), '5\n');
    assert.equal(readFileSync(s.at('var/lib/k8sbm/network/applied.log'), 'utf8'),
      'wrote /etc/systemd/network/10-k8sbm-bond0.network\n+ networkctl reload\n+ networkctl reconfigure bond0\nnetworkctl (double): refused\nexit 5\n');
    assert.deepEqual(s.calls(), ['networkctl reload', 'networkctl reconfigure bond0']);
  });

  it('detach: the staging folder goes with the worker once its outcome is written', async (t) => {
    const s = sandbox(t);
    const r = apply(s, { renderer: 'networkd', wait: 'detach', ups: 'bond0' }, [w('/etc/systemd/network/10-k8sbm-bond0.network', '0644', '[Match]\nName=bond0\n')]);
    assert.equal(r.code, 0, r.stderr);
    await eventually(() => existsSync(s.at('var/lib/k8sbm/network/applied.rc')), 'the worker\'s outcome', 30_000);
    await eventually(() => leftovers(s).join(' ') === 'applied.log applied.rc', `only the outcome left (${leftovers(s).join(' ')})`, 10_000);
  });

  it('a folder the files need is made readable to all (networkd reads its files as its own user)', (t) => {
    const s = sandbox(t, [], {}, ['etc/network/interfaces.d', 'etc/netplan']);
    const r = apply(s, { renderer: 'networkd', ups: 'bond0' }, [w('/etc/systemd/network/10-k8sbm-bond0.network', '0644', '[Match]\nName=bond0\n')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(s.at('etc/systemd/network')).mode & 0o777, 0o755);
    assert.equal(statSync(s.at('etc/systemd/network/10-k8sbm-bond0.network')).mode & 0o777, 0o644);
  });

  it('the commit-confirmed probe line passes on applied.rc 0 and fails with the log\'s tail otherwise', (t) => {
    const probe = (rc: string, log: string): { code: number | null; stdout: string } => {
      const s = sandbox(t);
      mkdirSync(s.at('var/lib/k8sbm/network'), { recursive: true });
      writeFileSync(s.at('var/lib/k8sbm/network/applied.rc'), rc);
      writeFileSync(s.at('var/lib/k8sbm/network/applied.log'), log);
      const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SANDBOX, 'netcfg-sandbox', s.root, NETCFG_CONFIRM_PROBE], { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, stdout: r.stdout };
    };
    assert.deepEqual(probe('0\n', '+ ifup --force bond0\n'), { code: 0, stdout: '' });
    const failed = probe('1\n', ['l1', 'l2', 'l3', 'l4', 'l5', '+ ifup --force bond0', 'exit 1', ''].join('\n'));
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, 'l3\nl4\nl5\n+ ifup --force bond0\nexit 1\nthe network change ended with 1\n');
  });

  after(() => {
    assert.equal(machineState(), machineBefore, 'the machine\'s network folders are as before');
  });
});
