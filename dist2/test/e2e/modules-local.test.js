import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActionFailed } from '../../src/contract/actions.js';
import { command } from '../../src/modules/commands/command.js';
import { copy } from '../../src/modules/files/copy.js';
import { file } from '../../src/modules/files/file.js';
import { lineinfile } from '../../src/modules/files/lineinfile.js';
import { shell } from '../../src/modules/commands/shell.js';
import { stat } from '../../src/modules/files/stat.js';
import { template } from '../../src/modules/files/template.js';
import { LocalConnection } from '../../src/transport/local.js';
import { FactOverlay, runModule } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';
/** Every file module against this machine (as root) inside temp dirs: apply, re-run, check mode, exec counts. */
const root = tempDir('modules', { after });
let seq = 0;
const freshDir = () => {
    const d = join(root, `t${seq++}`);
    mkdirSync(d, { mode: 0o755 });
    return d;
};
/** Everything observable about a tree: names, types, modes, owners, link targets, content hashes, mtimes. */
function snapshot(dir) {
    const out = [];
    const walk = (p, rel) => {
        const st = lstatSync(p);
        let what = `${rel} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`;
        if (st.isSymbolicLink())
            what += ` -> ${readlinkSync(p)}`;
        else if (st.isFile())
            what += ` ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
        out.push(what);
        if (st.isDirectory())
            for (const name of readdirSync(p).sort())
                walk(join(p, name), `${rel}/${name}`);
    };
    walk(dir, '.');
    return out.join('\n');
}
const modeOf = (p) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
async function run(module, params, opts = {}) {
    return runModule(new LocalConnection('localhost'), module, params, opts);
}
/** Apply, then run again: the second run is a no-op with a reason and costs exactly one exec. */
async function applyTwice(module, params, opts = {}) {
    const first = await run(module, params, opts);
    assert.equal(first.plan.kind, 'change', JSON.stringify(first.plan));
    assert.ok(first.execs <= 3, `a change costs at most three execs, took ${first.execs}`);
    const second = await run(module, params, opts);
    assert.equal(second.plan.kind, 'ok', JSON.stringify(second.plan));
    assert.ok(second.plan.kind === 'ok' && second.plan.reason.length > 0);
    assert.equal(second.execs, 1, 'a no-change run costs exactly one exec');
    return first;
}
/** Check mode: a change is planned, the tree stays byte-identical, and only one exec is spent. */
async function checkLeavesTreeAlone(dir, module, params, opts = {}) {
    const before = snapshot(dir);
    const r = await run(module, params, { ...opts, check: true });
    assert.equal(r.plan.kind, 'change', JSON.stringify(r.plan));
    assert.equal(snapshot(dir), before);
    return r;
}
describe('copy', () => {
    it('creates with mode and owner in two execs, then is a one-exec no-op', async () => {
        const d = freshDir();
        const dest = join(d, 'app.conf');
        const params = { content: 'port: 8080\n', dest, mode: '0640', owner: 'daemon', group: 'bin' };
        const check = await checkLeavesTreeAlone(d, copy, params);
        assert.equal(check.execs, 1);
        const first = await applyTwice(copy, params);
        assert.equal(first.execs, 2);
        assert.equal(readFileSync(dest, 'utf8'), 'port: 8080\n');
        assert.deepEqual([modeOf(dest), statSync(dest).uid, statSync(dest).gid], ['0640', 1, 2]);
    });
    it('a content change shows a text diff and keeps attributes', async () => {
        const d = freshDir();
        const dest = join(d, 'motd');
        writeFileSync(dest, 'old\n', { mode: 0o600 });
        const check = await checkLeavesTreeAlone(d, copy, { content: 'new\n', dest });
        assert.ok(check.plan.kind === 'change');
        assert.deepEqual(check.plan.diffs[0], { kind: 'text', subject: dest, before: 'old\n', after: 'new\n' });
        const first = await applyTwice(copy, { content: 'new\n', dest });
        assert.equal(first.execs, 2);
        assert.equal(modeOf(dest), '0600');
    });
    it('attributes alone: chown and chmod, three execs at most', async () => {
        const d = freshDir();
        const dest = join(d, 'x');
        writeFileSync(dest, 'same\n', { mode: 0o644 });
        await checkLeavesTreeAlone(d, copy, { content: 'same\n', dest, mode: 'go-r', owner: 'daemon' });
        const first = await applyTwice(copy, { content: 'same\n', dest, mode: 'go-r', owner: 'daemon' });
        assert.equal(first.execs, 3);
        assert.deepEqual([modeOf(dest), statSync(dest).uid], ['0600', 1]);
    });
    it('src from files/, with backup and a validate that passes', async () => {
        const d = freshDir();
        const local = freshDir();
        mkdirSync(join(local, 'files'));
        writeFileSync(join(local, 'files', 'sudo-k8s'), 'k8s ALL=(ALL) NOPASSWD: ALL\n');
        const dest = join(d, 'k8s');
        writeFileSync(dest, 'k8s ALL=(ALL) ALL\n');
        const params = { src: 'sudo-k8s', dest, backup: true, validate: 'grep -q NOPASSWD %s' };
        const first = await applyTwice(copy, params, { localDir: local });
        const backup = first.applied.backup_file;
        assert.equal(readFileSync(backup, 'utf8'), 'k8s ALL=(ALL) ALL\n');
        assert.equal(readFileSync(dest, 'utf8'), 'k8s ALL=(ALL) NOPASSWD: ALL\n');
    });
    it('a new file in a missing directory fails clearly at plan time', async () => {
        const d = freshDir();
        const r = await run(copy, { content: 'x', dest: join(d, 'no', 'x') });
        assert.equal(r.plan.kind, 'fail');
        assert.match(r.plan.kind === 'fail' ? r.plan.msg : '', /directory .*\/no does not exist/);
    });
});
describe('template', () => {
    it('renders, creates, and is a no-op next time', async () => {
        const d = freshDir();
        const local = freshDir();
        mkdirSync(join(local, 'templates'));
        writeFileSync(join(local, 'templates', 'keepalived.conf.j2'), 'virtual_ipaddress {\n  {{ vip }}\n}\n');
        const opts = { localDir: local, vars: { vip: '10.0.0.10/24' } };
        const params = { src: 'keepalived.conf.j2', dest: join(d, 'keepalived.conf'), mode: '0644' };
        await checkLeavesTreeAlone(d, template, params, opts);
        await applyTwice(template, params, opts);
        assert.equal(readFileSync(join(d, 'keepalived.conf'), 'utf8'), 'virtual_ipaddress {\n  10.0.0.10/24\n}\n');
        const changed = await run(template, params, { ...opts, vars: { vip: '10.0.0.20/24' } });
        assert.ok(changed.plan.kind === 'change');
        assert.deepEqual(changed.plan.diffs[0], {
            kind: 'text', subject: join(d, 'keepalived.conf'),
            before: 'virtual_ipaddress {\n  10.0.0.10/24\n}\n', after: 'virtual_ipaddress {\n  10.0.0.20/24\n}\n',
        });
    });
});
describe('file', () => {
    it('directory with parents, mode and owner: three execs, then one', async () => {
        const d = freshDir();
        const path = join(d, 'a', 'b');
        const params = { path, state: 'directory', mode: '0750', owner: 'daemon', group: 'daemon' };
        await checkLeavesTreeAlone(d, file, params);
        const first = await applyTwice(file, params);
        assert.equal(first.execs, 3);
        assert.deepEqual([modeOf(path), statSync(path).uid, statSync(path).gid], ['0750', 1, 1]);
    });
    it('touch, link, relink and absent', async () => {
        const d = freshDir();
        const f = join(d, 'log');
        const t = await run(file, { path: f, state: 'touch', mode: '0600' });
        assert.equal(t.plan.kind, 'change');
        assert.equal(modeOf(f), '0600');
        const link = join(d, 'current');
        await checkLeavesTreeAlone(d, file, { path: link, state: 'link', src: 'log' });
        await applyTwice(file, { path: link, state: 'link', src: 'log' });
        assert.equal(readlinkSync(link), 'log');
        const relink = await run(file, { path: link, state: 'link', src: 'other' });
        assert.ok(relink.plan.kind === 'change' && /relink/.test(relink.plan.summary));
        assert.equal(readlinkSync(link), 'other');
        await checkLeavesTreeAlone(d, file, { path: f, state: 'absent' });
        await applyTwice(file, { path: f, state: 'absent' });
        assert.deepEqual(readdirSync(d), ['current']);
    });
    it('recurse: every entry gets the owner; a clean tree costs fact + listing', async () => {
        const d = freshDir();
        const top = join(d, 'data');
        mkdirSync(join(top, 'sub'), { recursive: true });
        writeFileSync(join(top, 'sub', 'f'), 'x');
        symlinkSync('/nonexistent-target', join(top, 'dangling'));
        const params = { path: top, state: 'directory', owner: 'daemon', recurse: true };
        await checkLeavesTreeAlone(d, file, params);
        const first = await run(file, params);
        assert.equal(first.plan.kind, 'change');
        for (const p of [top, join(top, 'sub'), join(top, 'sub', 'f')])
            assert.equal(statSync(p).uid, 1, p);
        const second = await run(file, params);
        assert.equal(second.plan.kind, 'ok');
        assert.equal(second.execs, 2);
    });
});
describe('lineinfile', () => {
    it('adds, replaces and removes lines; re-runs are one-exec no-ops', async () => {
        const d = freshDir();
        const path = join(d, 'sshd_config');
        writeFileSync(path, '#PermitRootLogin yes\nUsePAM yes\n');
        const replace = { path, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' };
        const check = await checkLeavesTreeAlone(d, lineinfile, replace);
        assert.ok(check.plan.kind === 'change');
        assert.deepEqual(check.plan.diffs[0], { kind: 'text', subject: path, before: '#PermitRootLogin yes\nUsePAM yes\n', after: 'PermitRootLogin no\nUsePAM yes\n' });
        assert.equal((await applyTwice(lineinfile, replace)).execs, 2);
        await applyTwice(lineinfile, { path, line: 'MaxAuthTries 3', insertafter: '^PermitRootLogin' });
        await applyTwice(lineinfile, { path, regexp: '^UsePAM', state: 'absent' });
        assert.equal(readFileSync(path, 'utf8'), 'PermitRootLogin no\nMaxAuthTries 3\n');
    });
    it('create: true makes the file with its mode', async () => {
        const d = freshDir();
        const path = join(d, 'k8s.conf');
        const params = { path, line: 'br_netfilter', create: true, mode: '0644' };
        await checkLeavesTreeAlone(d, lineinfile, params);
        await applyTwice(lineinfile, params);
        assert.deepEqual([readFileSync(path, 'utf8'), modeOf(path)], ['br_netfilter\n', '0644']);
    });
});
describe('stat', () => {
    it('one exec, Ansible-shaped result', async () => {
        const d = freshDir();
        writeFileSync(join(d, 'f'), 'abc');
        chownSync(join(d, 'f'), 1, 2);
        const r = await run(stat, { path: join(d, 'f') });
        assert.equal(r.execs, 1);
        assert.ok(r.plan.kind === 'ok');
        assert.deepEqual({ ...r.plan.result.stat, path: undefined }, {
            exists: true, path: undefined, isdir: false, isreg: true, islnk: false, mode: modeOf(join(d, 'f')), pw_name: 'daemon', gr_name: 'bin',
            uid: 1, gid: 2, size: 3, readable: true, checksum: createHash('sha256').update('abc').digest('hex'),
        });
    });
});
describe('check mode sees earlier predictions', () => {
    it('a directory planned in check mode lets a later copy plan into it; nothing is created', async () => {
        const d = freshDir();
        const overlay = new FactOverlay();
        const before = snapshot(d);
        const dir = await run(file, { path: join(d, 'etc', 'app'), state: 'directory' }, { check: true, overlay });
        assert.equal(dir.plan.kind, 'change');
        const conf = await run(copy, { content: 'x\n', dest: join(d, 'etc', 'app', 'conf') }, { check: true, overlay });
        assert.equal(conf.plan.kind, 'change', JSON.stringify(conf.plan));
        const line = await run(lineinfile, { path: join(d, 'etc', 'app', 'conf'), line: 'y' }, { check: true, overlay });
        assert.ok(line.plan.kind === 'change');
        assert.deepEqual(line.plan.diffs[0], { kind: 'text', subject: join(d, 'etc', 'app', 'conf'), before: 'x\n', after: 'x\ny\n' });
        assert.equal(line.execs, 0, 'the predicted file answers without asking the host');
        assert.equal(snapshot(d), before);
    });
});
describe('command and shell', () => {
    it('run, register shape, creates', async () => {
        const d = freshDir();
        const r = await run(command, { argv: ['sh', '-c', 'echo out; echo err >&2; touch done'], chdir: d, creates: 'done' });
        assert.deepEqual(r.applied, { cmd: ['sh', '-c', 'echo out; echo err >&2; touch done'], rc: 0, stdout: 'out', stderr: 'err', stdout_lines: ['out'], stderr_lines: ['err'], changed: true });
        const again = await run(command, { argv: ['false'], chdir: d, creates: 'done' });
        assert.ok(again.plan.kind === 'ok' && /done exists/.test(again.plan.reason));
    });
    it('a failing command explains itself and still registers its output', async () => {
        await assert.rejects(run(shell, { cmd: 'echo partial; echo "no such thing" >&2; exit 127' }), (e) => {
            assert.ok(e instanceof ActionFailed);
            assert.equal(e.exit.headline, 'exit code 127 (command not found)');
            assert.deepEqual(e.exit.tail, ['no such thing']);
            assert.equal(e.registered?.rc, 127);
            assert.equal(e.registered?.stdout, 'partial');
            return true;
        });
    });
    it('stdin reaches the command', async () => {
        const r = await run(command, { argv: ['cat'], stdin: 'hello' });
        assert.equal(r.applied.stdout, 'hello');
    });
});
//# sourceMappingURL=modules-local.test.js.map