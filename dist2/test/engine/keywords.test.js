import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';
describe('strategy: free', () => {
    it('lets a fast host finish the play while a slow host is still on its first task', async () => {
        let release;
        const gate = new Promise((r) => { release = r; });
        const r = await runEngine({
            files: {
                'hosts.ini': memoryInventory({ web: ['fast', 'slow'] }),
                'site.yml': `
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - name: first
      command: step one
    - name: second
      command: step two
`,
            },
            responders: [async (req, host) => {
                    if (host === 'slow' && req.argv[1] === 'one')
                        await gate;
                    return {};
                }],
            onEvent: (e) => { if (e.event === 'task_result' && e.host === 'fast' && e.task === 'second')
                release(); },
        });
        assert.deepEqual(r.lines, ['fast first changed', 'fast second changed', 'slow first changed', 'slow second changed']);
    });
    it('linear keeps hosts in step (the same gate would deadlock, so the fast host waits)', async () => {
        const order = [];
        await runEngine({
            files: {
                'hosts.ini': memoryInventory({ web: ['fast', 'slow'] }),
                'site.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - command: step one\n    - command: step two\n',
            },
            responders: [(req, host) => { order.push(`${host}:${req.argv[1]}`); return {}; }],
        });
        assert.deepEqual(order.slice(2).sort(), ['fast:two', 'slow:two']);
        assert.deepEqual(order.slice(0, 2).sort(), ['fast:one', 'slow:one']);
    });
});
describe('become, environment and no_log', () => {
    it('passes become (play and inventory level) and the environment to the host', async () => {
        const calls = [];
        await runEngine({
            files: {
                'hosts.ini': '[web]\nw1 ansible_become=true ansible_become_user=deploy\n',
                'site.yml': `
- hosts: web
  gather_facts: false
  environment: { HTTP_PROXY: "http://proxy:3128" }
  tasks:
    - name: as deploy
      command: whoami
    - name: as root
      command: whoami
      become_user: root
      environment: { LANG: C }
    - name: no become
      command: whoami
      become: false
`,
            },
            responders: [(req) => { calls.push(req); return { stdout: 'x' }; }],
        });
        assert.deepEqual(calls.map((c) => c.become?.user ?? 'none'), ['deploy', 'root', 'none']);
        assert.deepEqual(calls[0].env, { HTTP_PROXY: 'http://proxy:3128' });
        assert.deepEqual(calls[1].env, { HTTP_PROXY: 'http://proxy:3128', LANG: 'C' });
    });
    it('no_log hides messages and diffs but keeps the registered data', async () => {
        const r = await runEngine({
            files: {
                'hosts.ini': memoryInventory({ web: ['w1'] }),
                'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: secret
      command: print-token
      register: tok
      no_log: true
    - name: uses it
      assert: { that: tok.stdout == "s3cr3t-token" }
`,
            },
            responders: [respond('print-token', { stdout: 's3cr3t-token' })],
        });
        assert.deepEqual(r.lines, ['w1 secret changed', 'w1 uses it ok']);
        assert.doesNotMatch(JSON.stringify(r.events), /s3cr3t-token/);
        assert.match(r.results[0].msg, /hidden/);
    });
});
//# sourceMappingURL=keywords.test.js.map