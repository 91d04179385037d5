import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

/**
 * Settings owned once: two tasks of a run that set one sysctl key (or write one whole file) to
 * different values on a host are refused before the play runs, naming both places. Nothing is
 * sent to a host (the memory hosts have no responders: any command would fail the run).
 */

const hosts = memoryInventory({ cp: ['cp1'], workers: ['w1'] });

async function refusal(site: string, files: Record<string, string> = {}): Promise<K8sbmError> {
  try {
    await runEngine({ files: { 'hosts.ini': hosts, 'site.yml': site, ...files } });
  } catch (e) {
    assert.ok(e instanceof K8sbmError, String(e));
    return e;
  }
  assert.fail('the run was not refused');
}

describe('settings owned once', () => {
  it('one sysctl key set to two values is K8SBM_SETTING_CONFLICT at the second task, naming the first', async () => {
    const e = await refusal(`- hosts: all
  gather_facts: false
  tasks:
    - name: forwarding on
      sysctl: { name: net.ipv4.ip_forward, value: 1 }
    - name: hardening
      sysctl:
        settings: { kernel.dmesg_restrict: 1, net.ipv4.ip_forward: 0 }
`);
    assert.equal(e.code, 'K8SBM_SETTING_CONFLICT');
    assert.equal(e.loc?.line, 6);
    assert.match(e.message, /^sysctl net\.ipv4\.ip_forward is set twice on cp1, differently: "0" by task "hardening" here, "1" by task "forwarding on" at .*site\.yml:4:7$/);
    assert.match(e.hint ?? '', /one owner/);
  });

  it('between a role and the play, through variables and loops; the same value twice is fine', async () => {
    const e = await refusal(`- hosts: workers
  gather_facts: false
  roles: [base]
  tasks:
    - name: per-interface filter
      sysctl: { name: "net.ipv4.conf.{{ item }}.rp_filter", value: "{{ rp }}" }
      loop: [all, default]
      vars: { rp: 0 }
`, {
      'roles/base/tasks/main.yml': '- name: strict rp_filter\n  sysctl: { name: net.ipv4.conf.all.rp_filter, value: 1 }\n- name: again, same value\n  sysctl: { name: net.ipv4.conf.all.rp_filter, value: "1" }\n',
    });
    assert.equal(e.code, 'K8SBM_SETTING_CONFLICT');
    assert.match(e.message, /^sysctl net\.ipv4\.conf\.all\.rp_filter is set twice on w1, differently: "0" by task "per-interface filter" here, "1" by task "strict rp_filter" at .*roles\/base\/tasks\/main\.yml:1:3$/);
  });

  it('a whole file written twice with different content is refused too; a when that is false takes a task out', async () => {
    const e = await refusal(`- hosts: all
  gather_facts: false
  vars: { cni: calico }
  tasks:
    - name: cilium value
      sysctl: { name: net.ipv4.conf.all.rp_filter, value: 0 }
      when: cni == 'cilium'
    - name: calico value
      sysctl: { name: net.ipv4.conf.all.rp_filter, value: 1 }
      when: cni != 'cilium'
    - copy: { content: "a\\n", dest: /etc/app.conf }
    - copy: { content: "b\\n", dest: /etc/app.conf }
`);
    assert.equal(e.code, 'K8SBM_SETTING_CONFLICT');
    assert.match(e.message, /^file \/etc\/app\.conf is set twice on cp1, differently: content [0-9a-f]{12} by task "copy" here/);
    assert.equal(e.loc?.line, 12);
  });
});
