import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { runPlaybook } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/types.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { writeTree } from '../helpers/engine.js';
it('values of params a module declares secret are collected for masking', async () => {
    const login = defineModule({
        name: 'login',
        schema: { type: 'object', additionalProperties: false, properties: { user: { type: 'string' }, token: { type: 'string' } } },
        secretParams: ['token'],
        async plan() { return { kind: 'ok', reason: 'logged in' }; },
    });
    const registry = { ...modules, login };
    const dir = writeTree({
        'hosts': 'h1\n',
        'site.yml': '- hosts: all\n  gather_facts: false\n  vars: { t: "tok-{{ inventory_hostname }}-9f8e" }\n  tasks:\n    - login: { user: admin, token: "{{ t }}" }\n',
    });
    const loader = new PlaybookLoader({ modules: registry, rolesPath: [] });
    const secrets = new Set();
    const outcome = await runPlaybook(loader.loadPlaybook(join(dir, 'site.yml')), {
        inventory: await loadInventory([join(dir, 'hosts')]), loader, modules: registry,
        connect: (spec) => new MemoryConnection(spec.host), emit: () => undefined,
        check: false, diff: false, tags: { only: [], skip: [] }, extraVars: [], secrets,
    });
    assert.equal(outcome.exitCode, 0);
    assert.deepEqual([...secrets], ['tok-h1-9f8e']);
});
//# sourceMappingURL=secrets.test.js.map