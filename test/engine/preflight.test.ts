import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { networkDesignFindings } from '../../src/modules/network/netcfg-design.js';
import { NetParams } from '../../src/modules/network/netcfg-spec.js';
import { defineModule, type PreflightFinding } from '../../src/modules/types.js';
import type { WarningEvent } from '../../src/report/events.js';
import { K8sbmError } from '../../src/source/errors.js';
import { formatLoc } from '../../src/source/loc.js';
import { memoryInventory, runEngine, type EngineCase } from '../helpers/engine.js';

/**
 * Design checks before the play (src/engine/preflight.ts): a module's preflight sees every host's
 * rendered params of a task at once; its findings point at the variable the operator edits
 * (group_vars, host_vars), errors stop the run before any task plans on any host.
 */

const planned: string[] = [];

const recorder = defineModule({
  name: 'recorder',
  schema: Type.Object({}, { additionalProperties: false }),
  controllerOnly: true,
  async plan(ctx) {
    planned.push(`${ctx.host} recorder`);
    return { kind: 'ok', reason: 'recorded' };
  },
});

/** A tiny design check: NIC names must be eno1/eno2, storage addresses unique, `note` warns. */
const netcheck = defineModule({
  name: 'netcheck',
  schema: Type.Object({
    bond: Type.Optional(Type.Union([Type.Null(), Type.Object({ name: Type.String(), slaves: Type.Array(Type.String()) })])),
    addresses: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
    note: Type.Optional(Type.String()),
  }, { additionalProperties: false }),
  controllerOnly: true,
  preflight(instances) {
    const out: PreflightFinding[] = [];
    const users = new Map<string, string[]>();
    for (const i of instances) {
      i.params.bond?.slaves.forEach((s, n) => {
        if (!['eno1', 'eno2'].includes(s)) out.push({ host: i.host, level: 'error', msg: `no NIC ${s}`, hint: 'name a NIC of the host', path: ['bond', 'slaves', n] });
      });
      const a = i.params.addresses?.storage;
      if (a && !users.get(a)?.includes(i.host)) users.set(a, [...(users.get(a) ?? []), i.host]);
      if (i.params.note) out.push({ host: i.host, level: 'warning', msg: `note ${i.params.note}`, hint: 'just so you know', path: ['note'] });
    }
    for (const [a, hs] of users) {
      if (hs.length > 1) for (const h of hs) out.push({ host: h, level: 'error', msg: `${a} is used twice`, hint: 'one address per host', path: ['addresses', 'storage'] });
    }
    return out;
  },
  async plan(ctx) {
    planned.push(`${ctx.host} netcheck`);
    return { kind: 'ok', reason: 'checked' };
  },
});

const SITE = `- hosts: all
  gather_facts: false
  tasks:
    - name: first
      recorder: {}
    - name: links
      netcheck:
        bond: "{{ bond | default(None) }}"
        addresses:
          storage: "{{ storage_address | default(None) }}"
`;

const GROUP_VARS = `cluster_name: lab
bond:
  name: bond0
  slaves: [eno1, eno3]
`;

function files(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'inv/hosts.ini': memoryInventory({ control_plane: ['cp1', 'cp2'] }),
    'inv/group_vars/all.yml': GROUP_VARS,
    'inv/host_vars/cp1.yml': 'host_index: 11\nstorage_address: 10.30.20.11/24\n',
    'inv/host_vars/cp2.yml': 'host_index: 12\nstorage_address: 10.30.20.12/24\n',
    'site.yml': SITE,
    ...extra,
  };
}

const base = (extra: Record<string, string>, more: Partial<EngineCase> = {}): EngineCase => ({
  files: files(extra), inventory: 'inv/hosts.ini', modules: { recorder, netcheck }, ...more,
});

async function refusal(c: EngineCase): Promise<K8sbmError> {
  planned.length = 0;
  try {
    await runEngine(c);
  } catch (e) {
    assert.ok(e instanceof K8sbmError, String(e));
    return e;
  }
  assert.fail('the run was not refused');
}

const rel = (s: string): string => s.replace(/\/\S*?k8sbm-engine-[^/]+\//g, '');

describe('design checks before the play', () => {
  it('an error stops the run before any task plans, at the variable in group_vars', async () => {
    const e = await refusal(base({}));
    assert.equal(e.code, 'K8SBM_DESIGN_INVALID');
    assert.deepEqual(planned, []);
    assert.equal(rel(formatLoc(e.loc)), 'inv/group_vars/all.yml:4:18');
    assert.equal(rel(e.message), ['cp1: no NIC eno3 (inv/group_vars/all.yml:4:18)', 'cp2: no NIC eno3 (inv/group_vars/all.yml:4:18)'].join('\n'));
    assert.equal(e.hint, 'name a NIC of the host');
    assert.match(e.subject ?? '', /^task "links" \(netcheck\) at .*site\.yml:6:7: nothing was sent$/);
  });

  it('errors of several hosts point at each host\'s own host_vars line; check mode stops the same way', async () => {
    const e = await refusal(base({
      'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\n',
      'inv/host_vars/cp2.yml': '# same as cp1 by mistake\nstorage_address: 10.30.20.11/24\n',
    }, { check: true }));
    assert.equal(e.code, 'K8SBM_DESIGN_INVALID');
    assert.deepEqual(planned, []);
    assert.equal(rel(e.message), [
      'cp1: 10.30.20.11/24 is used twice (inv/host_vars/cp1.yml:2:18)',
      'cp2: 10.30.20.11/24 is used twice (inv/host_vars/cp2.yml:2:18)',
    ].join('\n'));
    assert.equal(rel(formatLoc(e.loc)), 'inv/host_vars/cp1.yml:2:18');
  });

  it('a value written in the task itself points at the task; one overridden per host at that host\'s file', async () => {
    const e = await refusal(base({
      'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\n',
      'inv/host_vars/cp2.yml': 'bond:\n  name: bond0\n  slaves:\n    - eno1\n    - enp3s0\n',
      'site.yml': `${SITE}    - name: literal
      netcheck:
        bond: { name: bond1, slaves: [eth9] }
`,
    }));
    assert.equal(rel(e.message), [
      'cp2: no NIC enp3s0 (inv/host_vars/cp2.yml:5:7)',
      'cp1: no NIC eth9 (site.yml:13:39)',
      'cp2: no NIC eth9 (site.yml:13:39)',
    ].join('\n'));
  });

  it('a warning is shown with its place and the play goes on', async () => {
    planned.length = 0;
    const run = await runEngine(base({
      'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\nnetwork_note: "mtu 9000 needs jumbo frames on the switch"\n',
      'site.yml': `${SITE}        note: "{{ network_note }}"\n`,
    }));
    assert.equal(run.outcome.exitCode, 0);
    const warnings = run.events.filter((e): e is WarningEvent => e.event === 'warning');
    assert.equal(warnings.length, 2);
    assert.equal(rel(warnings[0]!.msg), 'cp1: note mtu 9000 needs jumbo frames on the switch (inv/group_vars/all.yml:2:15); just so you know');
    assert.equal(rel(warnings[0]!.file ?? ''), 'inv/group_vars/all.yml');
    assert.equal(warnings[0]!.line, 2);
    assert.deepEqual(planned, ['cp1 recorder', 'cp2 recorder', 'cp1 netcheck', 'cp2 netcheck']);
  });

  it('serial: a value two batches share stops the run at the first batch; a warning is said in its host\'s batch', async () => {
    const serial = SITE.replace('  gather_facts: false\n', '  gather_facts: false\n  serial: 1\n');
    const e = await refusal(base({
      'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\n',
      'inv/host_vars/cp2.yml': 'storage_address: 10.30.20.11/24\n',
      'site.yml': serial,
    }));
    assert.deepEqual(planned, []);
    assert.equal(rel(e.message), [
      'cp1: 10.30.20.11/24 is used twice (inv/host_vars/cp1.yml:2:18)',
      'cp2: 10.30.20.11/24 is used twice (inv/host_vars/cp2.yml:1:18)',
    ].join('\n'));

    planned.length = 0;
    const run = await runEngine(base({
      'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\nnetwork_note: jumbo\n',
      'site.yml': `${serial}        note: "{{ network_note }}"\n`,
    }));
    const warnings = run.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => rel(w.msg));
    assert.deepEqual(warnings, [
      'cp1: note jumbo (inv/group_vars/all.yml:2:15); just so you know',
      'cp2: note jumbo (inv/group_vars/all.yml:2:15); just so you know',
    ]);
    assert.deepEqual(planned, ['cp1 recorder', 'cp1 netcheck', 'cp2 recorder', 'cp2 netcheck']);
  });

  it('a task in a loop says a finding once per host', async () => {
    const e = await refusal(base({ 'site.yml': `${SITE}      loop: [1, 2]\n` }));
    assert.equal(rel(e.message), ['cp1: no NIC eno3 (inv/group_vars/all.yml:4:18)', 'cp2: no NIC eno3 (inv/group_vars/all.yml:4:18)'].join('\n'));
  });

  it('a host the task\'s when leaves out is not checked; a task out of the selected tags neither', async () => {
    planned.length = 0;
    const site = SITE.replace('    - name: links\n', '    - name: links\n      when: inventory_hostname != "cp2"\n');
    const run = await runEngine(base({ 'inv/host_vars/cp2.yml': 'bond: { name: bond0, slaves: [eno1, eth7] }\n', 'inv/group_vars/all.yml': 'bond: { name: bond0, slaves: [eno1, eno2] }\n', 'site.yml': site }));
    assert.equal(run.outcome.exitCode, 0);
    assert.deepEqual(planned, ['cp1 recorder', 'cp2 recorder', 'cp1 netcheck']);

    planned.length = 0;
    const tagged = SITE.replace('    - name: first\n', '    - name: first\n      tags: [base]\n');
    const run2 = await runEngine(base({ 'site.yml': tagged }, { tags: ['base'] }));
    assert.equal(run2.outcome.exitCode, 0);
    assert.deepEqual(planned, ['cp1 recorder', 'cp2 recorder']);
  });

  it('with strategy free every host is checked together before any starts', async () => {
    const e = await refusal(base({ 'site.yml': SITE.replace('  gather_facts: false\n', '  gather_facts: false\n  strategy: free\n') }));
    assert.equal(e.code, 'K8SBM_DESIGN_INVALID');
    assert.deepEqual(planned, []);
  });

  it('the network checks through the role\'s call: the inventory\'s lines of a VLAN and of a host\'s address', async () => {
    // The network module's shape, with its design checks and a plan that only records.
    const network = defineModule({
      name: 'network_config', schema: NetParams, controllerOnly: true, preflight: networkDesignFindings,
      async plan(ctx) { planned.push(`${ctx.host} network_config`); return { kind: 'ok', reason: 'recorded' }; },
    });
    const e = await refusal({
      files: {
        'inv/hosts.ini': memoryInventory({ control_plane: ['cp1', 'cp2'] }),
        'inv/group_vars/all.yml': `bond:
  name: bond0
  mode: 802.3ad
  slaves: [eno1, eno2]
  mtu: 1500
vlans:
  storage: { id: 2000, name: bond0.2000, cidr: 10.30.20.0/24, mtu: 9000 }
  kubernetes: { id: 2001, name: bond0.2001, cidr: 10.30.21.0/24 }
`,
        'inv/host_vars/cp1.yml': 'host_index: 11\nstorage_address: 10.30.20.11/24\nkubernetes_address: 10.30.21.11/24\n',
        'inv/host_vars/cp2.yml': 'host_index: 12\nstorage_address: 10.30.20.12/24\nkubernetes_address: 10.30.12.12/24\n',
        'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: links, addresses and routes
      network_config:
        bond: "{{ bond | default(None) }}"
        vlans: "{{ vlans | default({}) }}"
        addresses:
          storage: "{{ storage_address | default(None) }}"
          kubernetes: "{{ kubernetes_address | default(None) }}"
          management: "{{ management_address | default(None) }}"
`,
      },
      inventory: 'inv/hosts.ini', modules: { recorder, network_config: network },
    });
    assert.equal(e.code, 'K8SBM_DESIGN_INVALID');
    assert.deepEqual(planned, []);
    assert.equal(rel(e.message), [
      'cp1: VLAN storage has MTU 9000, above its parent bond0\'s 1500 (inv/group_vars/all.yml:7:68)',
      'cp2: VLAN storage has MTU 9000, above its parent bond0\'s 1500 (inv/group_vars/all.yml:7:68)',
      'cp2: address 10.30.12.12/24 of VLAN kubernetes is outside its network 10.30.21.0/24 (inv/host_vars/cp2.yml:3:21)',
    ].join('\n'));
    assert.equal(e.hint, 'raise bond0\'s mtu to 9000 at least (bond.mtu), or lower the VLAN\'s');
  });

  it('the host\'s facts reach the check: a bond member the host does not have, with a did-you-mean', async () => {
    const facts = defineModule({
      name: 'fakefacts', schema: Type.Object({}, { additionalProperties: false }), controllerOnly: true,
      async plan(ctx) {
        planned.push(`${ctx.host} fakefacts`);
        const nic = (name: string) => ({ name, mtu: 1500, kind: null, link_type: 'ether', altnames: [] });
        return { kind: 'ok', reason: 'facts', facts: { interfaces: { eno1: nic('eno1'), eno2: nic('eno2') } } };
      },
    });
    const network = defineModule({
      name: 'network_config', schema: NetParams, controllerOnly: true, preflight: networkDesignFindings,
      async plan(ctx) { planned.push(`${ctx.host} network_config`); return { kind: 'ok', reason: 'recorded' }; },
    });
    const e = await refusal({
      files: {
        'inv/hosts.ini': memoryInventory({ control_plane: ['cp1'] }),
        'inv/group_vars/all.yml': 'bond:\n  name: bond0\n  slaves:\n    - eno1\n    - eno3\n',
        'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - fakefacts: {}
- hosts: all
  gather_facts: false
  tasks:
    - network_config:
        bond: "{{ bond }}"
`,
      },
      inventory: 'inv/hosts.ini', modules: { fakefacts: facts, network_config: network },
    });
    assert.equal(e.code, 'K8SBM_DESIGN_INVALID');
    assert.deepEqual(planned, ['cp1 fakefacts']);
    assert.equal(rel(e.message), 'cp1: bond member eno3 of bond0 is not an interface of this host (inv/group_vars/all.yml:5:7)');
    assert.equal(e.hint, 'did you mean "eno1"? the host has eno1, eno2');
  });

  it('a finding about a group (`{{ groups }}`) points at the group\'s line in the inventory, one about a member at its host line', async () => {
    const groupcheck = defineModule({
      name: 'groupcheck',
      schema: Type.Object({ groups: Type.Record(Type.String(), Type.Array(Type.String())) }, { additionalProperties: false }),
      controllerOnly: true,
      preflight(instances) {
        const g = instances[0]!.params.groups;
        return [
          { host: instances[0]!.host, level: 'error', msg: `etcd has ${g.etcd?.length}`, hint: 'odd', path: ['groups', 'etcd'] },
          { host: instances[0]!.host, level: 'error', msg: `second member ${g.etcd?.[1]}`, hint: 'odd', path: ['groups', 'etcd', 1] },
        ];
      },
      async plan() { return { kind: 'ok', reason: 'checked' }; },
    });
    const e = await refusal({
      files: {
        'inv/hosts.ini': '[control_plane]\ncp1\ncp2\n\n[etcd:children]\ncontrol_plane\n',
        'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - groupcheck: { groups: "{{ groups }}" }\n',
      },
      inventory: 'inv/hosts.ini', modules: { groupcheck },
    });
    assert.equal(rel(e.message), ['cp1: etcd has 2 (inv/hosts.ini:5:2)', 'cp1: second member cp2 (inv/hosts.ini:3:1)'].join('\n'));
  });
});
