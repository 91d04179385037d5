import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

/**
 * What a host sends back is data, never a template (Ansible's "unsafe" rule): a compromised node
 * that prints `{{ secret_thing }}` must not read the controller's variables through a later
 * template, however the value travels (register, set_fact, loops, hostvars, until, facts).
 */

const hosts = memoryInventory({ web: ['w1', 'w2'] });
const PAYLOAD = '{{ secret_thing }} {{ lookup("env", "HOME") }}';
const play = (tasks: string) => `
- hosts: web
  gather_facts: false
  vars:
    secret_thing: s3cr3t-value
    plain: "{{ secret_thing | length }}"
  tasks:
${tasks}`;

function messages(r: Awaited<ReturnType<typeof runEngine>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of r.results) if (e.host === 'w1' && e.status === 'ok' && e.module === 'debug') out[e.task] = e.msg;
  return out;
}

describe('data from hosts is never rendered again', () => {
  it('through register, set_fact, loops, hostvars and until; a playbook template is still rendered', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': hosts,
        'site.yml': play(`
    - name: read
      command: cat /motd
      register: out
      until: out.stdout | length > 0
    - name: keep
      set_fact:
        kept: "{{ out.stdout }}"
        kept_list: "{{ out.stdout_lines }}"
    - name: direct
      debug: { msg: "got {{ out.stdout }}" }
    - name: via set_fact
      debug: { msg: "kept {{ kept }}" }
    - name: via a list
      debug: { msg: "{{ kept_list | join(',') }}" }
    - name: via a loop
      debug: { msg: "item {{ item }}" }
      loop: "{{ out.stdout_lines }}"
    - name: via hostvars
      debug: { msg: "other {{ hostvars['w2'].out.stdout }} {{ hostvars['w2'].kept }}" }
    - name: whole result
      debug: { msg: "{{ out | to_json }}" }
    - name: a playbook template
      debug: { msg: "plain {{ plain }}" }
`),
      },
      responders: [respond('cat', () => ({ stdout: PAYLOAD }))],
    });
    assert.equal(r.outcome.exitCode, 0, r.lines.join('\n'));
    const m = messages(r);
    assert.equal(m['direct'], `got ${PAYLOAD}`);
    assert.equal(m['via set_fact'], `kept ${PAYLOAD}`);
    assert.equal(m['via a list'], PAYLOAD);
    assert.equal(m['via hostvars'], `other ${PAYLOAD} ${PAYLOAD}`);
    assert.ok(m['whole result']!.includes(JSON.stringify(PAYLOAD).slice(1, -1)), m['whole result']);
    const loop = r.results.filter((e) => e.host === 'w1' && e.task === 'via a loop' && e.status === 'ok');
    assert.deepEqual(loop.map((e) => e.msg), [`item ${PAYLOAD}`]);
    assert.equal(m['a playbook template'], 'plain 12', 'variables written in the playbook stay templates');
    const all = JSON.stringify(r.events);
    assert.ok(!all.includes('s3cr3t-value'), 'the secret never reached any output');
  });

  it('host output that would not even parse as a template (Jinja statements, escapes) comes through as it is', async () => {
    const odd = '{% if x %}y{% endif %} \\{{ raw }} {{#each a}}';
    const r = await runEngine({
      files: {
        'hosts.ini': hosts,
        'site.yml': play(`
    - name: read
      command: cat /odd
      register: out
    - name: show
      debug: { msg: "{{ out.stdout }}" }
`),
      },
      responders: [respond('cat', () => ({ stdout: odd }))],
    });
    assert.equal(r.outcome.exitCode, 0, r.lines.join('\n'));
    assert.equal(messages(r)['show'], odd);
  });
});
