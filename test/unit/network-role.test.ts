/**
 * The network role's commit-confirmed block, read from its tasks file: its probe waits for the
 * network_config module's own outcome, so the line must be the module's (they cannot drift
 * apart), and its runtime snapshots cover the files of all three renderers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { NETCFG_CONFIRM_PROBE } from '../../src/modules/network/netcfg-apply.js';
import { RENDERERS } from '../../src/modules/network/netcfg-render.js';
import { normalizeNetParams } from '../../src/modules/network/netcfg-normalize.js';
import { repoRoot } from '../helpers/paths.js';

const tasks = parse(readFileSync(join(repoRoot, 'roles', 'network', 'tasks', 'main.yml'), 'utf8')) as Record<string, unknown>[];
const block = tasks.find((t) => t.commit_confirmed !== undefined) as { commit_confirmed: { probe: string[]; runtime: string[] } };

describe('role network: its commit-confirmed block', () => {
  it('probes with the module\'s own line, which waits for the change and fails with its log', () => {
    assert.equal(block.commit_confirmed.probe[0], NETCFG_CONFIRM_PROBE);
  });

  it('snapshots every file each renderer owns', () => {
    const globs = block.commit_confirmed.runtime.filter((r) => r.startsWith('files ')).map((r) => r.slice(6));
    for (const [name, r] of Object.entries(RENDERERS)) {
      const owned = globs.filter((g) => g.startsWith(`${r.dir}/`)).map((g) => new RegExp(`^${g.slice(r.dir.length + 1).replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`));
      for (const sample of name === 'networkd' ? ['10-k8sbm-bond0.netdev', '10-k8sbm-bond0.2000.network'] : name === 'netplan' ? ['60-k8sbm.yaml'] : ['k8sbm']) {
        assert.ok(r.owns.test(sample), `${name} owns ${sample}`);
        assert.ok(owned.some((re) => re.test(sample)), `${name}: ${sample} is in no runtime files glob`);
      }
    }
  });
});

describe('network_config parameters: a bridge port carries no address', () => {
  it('an address on a VLAN that is a bridge port is refused, naming the bridge', () => {
    const { problems } = normalizeNetParams({
      bond: { name: 'bond0', slaves: ['eno1', 'eno2'] },
      vlans: { kubernetes: { id: 2001 } },
      bridges: { br0: { interfaces: ['bond0.2001'] } },
      addresses: { kubernetes: '10.30.21.11/24' },
    });
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.path, ['vlans', 'kubernetes']);
    assert.match(problems[0]!.msg, /bond0\.2001 is a port of bridge br0/);
  });
});
