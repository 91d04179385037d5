import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { modules } from '../../src/modules/index.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { BAD_PARAM_CASES, badParamPlaybook } from '../helpers/param-cases.js';
import { writeTree } from '../helpers/engine.js';
import { formatError } from '../../src/source/errors.js';
import { expectError } from './playbook-helpers.js';
/**
 * Every check that used to live in a module's plan is made by the loader with the real module
 * registry: the playbook is refused while it is read, at the bad param's line and column.
 */
const dirs = [];
after(() => { for (const d of dirs)
    rmSync(d, { recursive: true, force: true }); });
function load(text) {
    const dir = writeTree({ 'site.yml': text, 'templates/motd.j2': 'hi\n' });
    dirs.push(dir);
    new PlaybookLoader({ modules, rolesPath: [] }).loadPlaybook(join(dir, 'site.yml'));
}
describe('bad params are refused by the loader', () => {
    for (const c of BAD_PARAM_CASES) {
        it(c.name, () => {
            const e = expectError(() => load(badParamPlaybook(c)), { code: `K8SBM_${c.code}`, line: c.line, col: c.col, message: c.message, hint: c.hint });
            assert.ok(e.loc?.file.endsWith('site.yml'), String(e.loc?.file));
            assert.match(e.subject ?? '', new RegExp(`task "bad" \\(${c.module}\\)`));
            if (c.secret !== undefined)
                assert.ok(!formatError(e).includes(c.secret), formatError(e));
        });
    }
    it('the same params with good values load', () => {
        load(badParamPlaybook({ ...BAD_PARAM_CASES[0], module: 'file', params: ['path: "{{ target }}/x"', 'mode: "u=rw,go=r"'] }));
        load(badParamPlaybook({ ...BAD_PARAM_CASES[0], module: 'lineinfile', params: ['path: /etc/x', 'regexp: "^(?P<k>a)="', 'line: a', 'backrefs: true', 'insertafter: EOF'] }));
    });
    it('templated values wait for rendering', () => {
        load(badParamPlaybook({ ...BAD_PARAM_CASES[0], module: 'file', params: ['path: "{{ p }}"', 'mode: "{{ m }}"', 'state: "{{ s }}"', 'src: /x'] }));
        load(badParamPlaybook({ ...BAD_PARAM_CASES[0], module: 'blockinfile', params: ['path: /etc/x', 'marker: "{{ m }}"'] }));
    });
});
//# sourceMappingURL=params-load.test.js.map