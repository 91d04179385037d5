import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phaseRows, renderMarkdown } from '../../bench/report.js';
import type { BenchResult, PhaseRun } from '../../bench/results.js';
import { PHASES, type Phase, renderAnsibleCfg, renderPyinfraInventory, type Tool, toolArgv, toolEnv } from '../../bench/tools.js';

const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

function run(tool: Tool, phase: Phase, rep: number, wallS: number, sessions: number): PhaseRun {
  const c = { connections: 1, sessions, commands: sessions, subsystems: 0, shells: 0 };
  return {
    tool, phase, rep, wallMs: wallS * 1000, maxRssKb: tool === 'k8sbm' ? 90 * 1024 : 57 * 1024, userS: 1, sysS: 0.5, exitCode: 0,
    recapHosts: 2, recapTotals: zero, reportedExecs: tool === 'k8sbm' ? { node01: sessions, node02: sessions } : undefined,
    sshd: { node01: c, node02: { ...c, sessions: sessions + rep - 1 } }, nodeCpuS: 2, nodeCpuIncomplete: false,
    sshMasterCpuS: tool === 'ansible' ? 0.5 : 0, machineBusyS: 10, loadAvg1: 0.1,
  };
}

/** k8sbm and Ansible, as result files were before pyinfra was measured (no `tools` field). */
function result(): BenchResult {
  const runs: PhaseRun[] = [];
  for (const phase of PHASES) {
    for (const rep of [1, 2, 3]) {
      runs.push(run('k8sbm', phase, rep, [2, 1, 3][rep - 1]!, 33));
      runs.push(run('ansible', phase, rep, phase === 'first-apply' ? 64 : 20 + rep, 84));
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
    const first = rows[0]!;
    assert.deepEqual(first.wallS.k8sbm, { median: 2, min: 1, max: 3, n: 3 });
    assert.equal(first.peers.ansible?.ratio, 32);
    assert.equal(first.met, true);
    // Own CPU per run: k8sbm 1.5 + 2, Ansible 1.5 + 0.5 + 2.
    assert.equal(first.peers.ansible?.cpuRatio, 4 / 3.5);
    assert.equal(first.peers.pyinfra, undefined);
    const converged = rows[1]!;
    assert.equal(converged.peers.ansible?.ratio, 11);
    assert.equal(converged.met, false);
  });

  it('reports execs per host over every repetition, as a range when they differ', () => {
    const row = phaseRows(result())[1]!;
    assert.equal(row.k8sbmReportedExecs, '33');
    assert.equal(row.sshdSessions.ansible, '84-86');
  });

  it('adds the ssh masters\' CPU to Ansible\'s controller CPU', () => {
    const row = phaseRows(result())[0]!;
    assert.equal(row.cpuS.ansible?.median, 2);
    assert.equal(row.cpuS.k8sbm?.median, 1.5);
    assert.equal(row.otherCpuS.ansible?.median, 6);
  });

  it('renders a table with the ratio, the verdict and the RSS target', () => {
    const md = renderMarkdown({ ...result(), nodes: 50 });
    assert.match(md, /\| first-apply \| 2\.00 \(1\.00-3\.00\) \| 64\.0 \(64\.0-64\.0\) \| \*\*32\.0x\*\* \| 30x met \| 1\.1x \|/);
    assert.match(md, /\| converged .*75x MISSED/);
    assert.match(md, /largest of all runs: 90 MB \(target under 300 MB: met\)/);
  });

  it('does not call a target missed at a node count it was not set for', () => {
    const md = renderMarkdown(result());
    assert.match(md, /\| first-apply .* 30x reached \|/);
    assert.match(md, /\| converged .* 75x below \|/);
    assert.match(md, /largest of all runs: 90 MB \(under 300 MB is the target for 50 nodes: under\)/);
    assert.doesNotMatch(md, /MISSED/);
    const big = result();
    const heavy = { ...big, nodes: 200, runs: big.runs.map((x) => (x.tool === 'k8sbm' ? { ...x, maxRssKb: 479 * 1024 } : x)) };
    assert.match(renderMarkdown(heavy), /largest of all runs: 479 MB \(under 300 MB is the target for 50 nodes: over\)/);
    assert.doesNotMatch(renderMarkdown(heavy), /MISSED/);
  });

  it('marks node CPU read while a node still ran processes the run started as partial, and says what is missing', () => {
    const r = result();
    assert.doesNotMatch(renderMarkdown(r), /partial/);
    const partial = { ...r, runs: r.runs.map((x) => (x.tool === 'k8sbm' && x.phase === 'converged' && x.rep === 2 ? { ...x, nodeCpuIncomplete: true } : x)) };
    const md = renderMarkdown(partial);
    assert.equal(phaseRows(partial)[1]!.nodeCpuPartial.k8sbm, true);
    assert.equal(phaseRows(partial)[1]!.nodeCpuPartial.ansible, false);
    assert.match(md, /\| converged \| k8sbm \| 90 \(90-90\) \| [^|]+ \| 2\.00 \(2\.00-2\.00\) partial \| 1000 partial \|/);
    assert.match(md, /\| converged \| Ansible \| [^|]+ \| [^|]+ \| 2\.00 \(2\.00-2\.00\) \| 1000 \|/);
    assert.match(md, /^partial: when the node CPU was read, some node still ran processes/m);
  });

  it('refuses a result that lacks a tool\'s runs of a phase', () => {
    const r = result();
    assert.throws(() => phaseRows({ ...r, runs: r.runs.filter((x) => !(x.tool === 'ansible' && x.phase === 'check-diff')) }), /no ansible runs of phase check-diff/);
  });
});

describe('bench report with pyinfra', () => {
  function withPyinfra(tools: readonly Tool[]): BenchResult {
    const r = result();
    const runs = r.runs.filter((x) => tools.includes(x.tool));
    for (const phase of PHASES) for (const rep of [1, 2, 3]) runs.push(run('pyinfra', phase, rep, phase === 'first-apply' ? 10 : 8, 60));
    return { ...r, tools, runs };
  }

  it('gives the ratio and CPU ratio of every peer from the same runs', () => {
    const first = phaseRows(withPyinfra(['k8sbm', 'ansible', 'pyinfra']))[0]!;
    assert.equal(first.peers.ansible?.ratio, 32);
    assert.equal(first.peers.pyinfra?.ratio, 5);
    // pyinfra's own CPU per run: 1.5 + 2 (no ssh masters), like k8sbm's.
    assert.equal(first.peers.pyinfra?.cpuRatio, 1);
    assert.equal(first.sshdSessions.pyinfra, '60-62');
  });

  it('puts pyinfra\'s columns beside Ansible\'s, and a row per tool for memory and CPU', () => {
    const md = renderMarkdown({ ...withPyinfra(['k8sbm', 'ansible', 'pyinfra']), nodes: 50 });
    assert.match(md, /\| phase \| k8sbm s \| Ansible s \| ratio \| target at 50 nodes \| CPU ratio \| pyinfra s \| ratio \| CPU ratio \|/);
    assert.match(md, /\| first-apply \| 2\.00 \(1\.00-3\.00\) \| 64\.0 \(64\.0-64\.0\) \| \*\*32\.0x\*\* \| 30x met \| 1\.1x \| 10\.0 \(10\.0-10\.0\) \| \*\*5\.0x\*\* \| 1\.0x \|/);
    assert.match(md, /\| converged \| pyinfra \| 57 \(57-57\) \|/);
    assert.match(md, /Tools measured: k8sbm, Ansible, pyinfra\./);
  });

  it('compares with pyinfra alone when Ansible was not measured, and claims no target', () => {
    const r = withPyinfra(['k8sbm', 'pyinfra']);
    const first = phaseRows(r)[0]!;
    assert.equal(first.met, undefined);
    assert.equal(first.peers.ansible, undefined);
    const md = renderMarkdown(r);
    assert.doesNotMatch(md, /Ansible|target at/);
    assert.match(md, /\| first-apply \| 2\.00 \(1\.00-3\.00\) \| 10\.0 \(10\.0-10\.0\) \| \*\*5\.0x\*\* \| 1\.0x \|/);
  });
});

describe('bench tool settings', () => {
  it('gives Ansible forks, pipelining, multiplexing and a fixed interpreter', () => {
    const cfg = renderAnsibleCfg({ forks: 50, localTmp: '/t/tmp', controlPathDir: '/t/cp' });
    for (const line of ['forks = 50', 'pipelining = True', 'ssh_args = -o ControlMaster=auto -o ControlPersist=60s', 'control_path_dir = /t/cp', 'interpreter_python = /usr/bin/python3', 'host_key_checking = True', 'gathering = explicit']) {
      assert.ok(cfg.split('\n').includes(line), `missing: ${line}`);
    }
  });

  it('runs every tool on the same scenario and nodes, check mode with diffs (pyinfra: --dry) in the third phase', () => {
    const c = {
      node: 'node', k8sbmCli: 'cli.js', ansiblePlaybook: 'ansible-playbook', pyinfra: 'pyinfra', playbook: 'h.yml', pyinfraDeploy: 'h.py',
      inventory: 'hosts', pyinfraInventory: 'inv.py', knownHosts: 'kh', parallel: 10,
    };
    assert.deepEqual(toolArgv('k8sbm', 'converged', c), ['node', 'cli.js', 'run', 'h.yml', '-i', 'hosts', '--known-hosts', 'kh', '--json']);
    assert.deepEqual(toolArgv('ansible', 'check-diff', c), ['ansible-playbook', '-i', 'hosts', 'h.yml', '--check', '--diff']);
    assert.deepEqual(toolArgv('pyinfra', 'first-apply', c), ['pyinfra', '-y', '--parallel', '10', 'inv.py', 'h.py']);
    assert.deepEqual(toolArgv('pyinfra', 'check-diff', c), ['pyinfra', '--dry', '--parallel', '10', 'inv.py', 'h.py']);
  });

  it('gives pyinfra the lab\'s nodes with strict host key checking and the scenario\'s variables', () => {
    const text = renderPyinfraInventory([{ name: 'node01', address: '198.18.3.11' }, { name: 'node02', address: '198.18.3.12' }], {
      key: '/t/lab/id "x"', knownHosts: '/t/lab/known_hosts', vars: { conf_dir: '/etc/k8sbm-bench', swappiness: 0 },
    });
    const m = /^hosts = \[\(h\["name"\], h\["data"\]\) for h in json\.loads\((".*")\)\]$/m.exec(text);
    assert.ok(m, text);
    const hosts = JSON.parse(JSON.parse(m[1]!) as string) as { name: string; data: Record<string, unknown> }[];
    assert.deepEqual(hosts.map((h) => [h.name, h.data.ssh_hostname]), [['node01', '198.18.3.11'], ['node02', '198.18.3.12']]);
    assert.equal(hosts[0]!.data.ssh_strict_host_key_checking, 'yes');
    assert.equal(hosts[0]!.data.ssh_known_hosts_file, '/t/lab/known_hosts');
    assert.equal(hosts[1]!.data.ssh_key, '/t/lab/id "x"');
    assert.deepEqual(hosts[1]!.data.scenario_vars, { conf_dir: '/etc/k8sbm-bench', swappiness: 0 });
  });

  it('keeps the machine\'s configuration out of the tools\' environment', () => {
    const env = toolEnv('ansible', '/t/home', '/t/ansible.cfg');
    assert.equal(env.HOME, '/t/home');
    assert.equal(env.ANSIBLE_CONFIG, '/t/ansible.cfg');
    assert.equal(toolEnv('k8sbm', '/t/home', '/t/ansible.cfg').ANSIBLE_CONFIG, undefined);
    assert.ok(!Object.keys(env).some((k) => k.startsWith('K8SBM_') || k === 'SSH_AUTH_SOCK'));
  });
});
