import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phaseRows, renderMarkdown } from '../../bench/report.js';
import { PHASES, renderAnsibleCfg, toolArgv, toolEnv } from '../../bench/tools.js';
const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
function run(tool, phase, rep, wallS, sessions) {
    const c = { connections: 1, sessions, commands: sessions, subsystems: 0, shells: 0 };
    return {
        tool, phase, rep, wallMs: wallS * 1000, maxRssKb: tool === 'k8sbm' ? 90 * 1024 : 57 * 1024, userS: 1, sysS: 0.5, exitCode: 0,
        recapHosts: 2, recapTotals: zero, reportedExecs: tool === 'k8sbm' ? { node01: sessions, node02: sessions } : undefined,
        sshd: { node01: c, node02: { ...c, sessions: sessions + rep - 1 } }, nodeCpuS: 2, nodeCpuIncomplete: false,
        sshMasterCpuS: tool === 'ansible' ? 0.5 : 0, machineBusyS: 10, loadAvg1: 0.1,
    };
}
function result() {
    const runs = [];
    for (const phase of PHASES) {
        for (const rep of [1, 2, 3]) {
            runs.push(run('k8sbm', phase, rep, [2, 1, 3][rep - 1], 33));
            runs.push(run('ansible', phase, rep, phase === 'first-apply' ? 40 : 20 + rep, 84));
        }
    }
    return {
        scenario: 'bench/scenario/harden.yml', tasks: 29, startedAt: '2026-01-02T03:04:05.000Z', finishedAt: '2026-01-02T04:00:00.000Z',
        machine: { nproc: 2, cpuModel: 'x', memoryMb: 1, kernel: 'k' },
        versions: { node: 'v20', k8sbmCommit: 'abc', ansibleCore: '2.14', openssh: 'o', python: 'p' },
        nodes: 2, reps: 3, settings: { k8sbm: [], ansible: [], ansibleCfg: '' }, labUpMs: [1], runs,
    };
}
describe('bench report', () => {
    it('compares medians per phase against the targets', () => {
        const rows = phaseRows(result());
        assert.deepEqual(rows.map((r) => r.phase), ['first-apply', 'converged', 'check-diff']);
        const first = rows[0];
        assert.deepEqual(first.wallS.k8sbm, { median: 2, min: 1, max: 3, n: 3 });
        assert.equal(first.ratio, 20);
        assert.equal(first.met, true);
        // Own CPU per run: k8sbm 1.5 + 2, Ansible 1.5 + 0.5 + 2.
        assert.equal(first.cpuRatio, 4 / 3.5);
        const converged = rows[1];
        assert.equal(converged.ratio, 11);
        assert.equal(converged.met, false);
    });
    it('reports execs per host over every repetition, as a range when they differ', () => {
        const row = phaseRows(result())[1];
        assert.equal(row.k8sbmReportedExecs, '33');
        assert.equal(row.sshdSessions.ansible, '84-86');
    });
    it('adds the ssh masters\' CPU to Ansible\'s controller CPU', () => {
        const row = phaseRows(result())[0];
        assert.equal(row.cpuS.ansible.median, 2);
        assert.equal(row.cpuS.k8sbm.median, 1.5);
        assert.equal(row.otherCpuS.ansible.median, 6);
    });
    it('renders a table with the ratio, the verdict and the RSS target', () => {
        const md = renderMarkdown({ ...result(), nodes: 50 });
        assert.match(md, /\| first-apply \| 2\.00 \(1\.00-3\.00\) \| 40\.0 \(40\.0-40\.0\) \| \*\*20\.0x\*\* \| 15x met \| 1\.1x \|/);
        assert.match(md, /\| converged .*30x MISSED/);
        assert.match(md, /largest of all runs: 90 MB \(target under 300 MB: met\)/);
    });
    it('does not call a target missed at a node count it was not set for', () => {
        const md = renderMarkdown(result());
        assert.match(md, /\| first-apply .* 15x reached \|/);
        assert.match(md, /\| converged .* 30x below \|/);
        assert.doesNotMatch(md, /MISSED/);
    });
    it('refuses a result that lacks a tool\'s runs of a phase', () => {
        const r = result();
        assert.throws(() => phaseRows({ ...r, runs: r.runs.filter((x) => !(x.tool === 'ansible' && x.phase === 'check-diff')) }), /no ansible runs of phase check-diff/);
    });
});
describe('bench tool settings', () => {
    it('gives Ansible forks, pipelining, multiplexing and a fixed interpreter', () => {
        const cfg = renderAnsibleCfg({ forks: 50, localTmp: '/t/tmp', controlPathDir: '/t/cp' });
        for (const line of ['forks = 50', 'pipelining = True', 'ssh_args = -o ControlMaster=auto -o ControlPersist=60s', 'control_path_dir = /t/cp', 'interpreter_python = /usr/bin/python3', 'host_key_checking = True', 'gathering = explicit']) {
            assert.ok(cfg.split('\n').includes(line), `missing: ${line}`);
        }
    });
    it('runs both tools on the same playbook and inventory, check mode with diffs in the third phase', () => {
        const c = { node: 'node', k8sbmCli: 'cli.js', ansiblePlaybook: 'ansible-playbook', playbook: 'h.yml', inventory: 'hosts', knownHosts: 'kh' };
        assert.deepEqual(toolArgv('k8sbm', 'converged', c), ['node', 'cli.js', 'run', 'h.yml', '-i', 'hosts', '--known-hosts', 'kh', '--json']);
        assert.deepEqual(toolArgv('ansible', 'check-diff', c), ['ansible-playbook', '-i', 'hosts', 'h.yml', '--check', '--diff']);
    });
    it('keeps the machine\'s configuration out of the tools\' environment', () => {
        const env = toolEnv('ansible', '/t/home', '/t/ansible.cfg');
        assert.equal(env.HOME, '/t/home');
        assert.equal(env.ANSIBLE_CONFIG, '/t/ansible.cfg');
        assert.equal(toolEnv('k8sbm', '/t/home', '/t/ansible.cfg').ANSIBLE_CONFIG, undefined);
        assert.ok(!Object.keys(env).some((k) => k.startsWith('K8SBM_') || k === 'SSH_AUTH_SOCK'));
    });
});
//# sourceMappingURL=bench-report.test.js.map