import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostVars, loadInventory } from '../../src/inventory/index.js';
import { readArgumentSpecs } from '../../src/playbook/argspec.js';
import { parseYaml } from '../../src/source/yaml.js';
import { repoRoot } from '../helpers/paths.js';
/**
 * The house rules of docs/roles.md that can be read off the files of every shipped role: a
 * typed argument spec naming every public variable, defaults that agree with it, names that are
 * the role's own or the inventory contract's, and a test folder.
 */
const rolesDir = join(repoRoot, 'roles');
// What the loader takes for a role: a folder with one of these parts (a folder holding only the
// upstream files/ of a role still to come is not one yet).
const ROLE_PARTS = ['tasks', 'handlers', 'defaults', 'vars', 'meta'];
const roles = readdirSync(rolesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && ROLE_PARTS.some((p) => existsSync(join(rolesDir, e.name, p))))
    .map((e) => e.name).sort();
const readYaml = (file) => parseYaml(readFileSync(file, 'utf8'), file);
const asRecord = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});
/** The contract: every variable the reference inventory gives some host (its groups are fixed in docs/roles.md). */
async function contractNames() {
    const inv = await loadInventory([join(repoRoot, 'inventories', 'example')]);
    const names = new Set();
    for (const host of inv.hosts.keys())
        for (const k of Object.keys(hostVars(inv, host)))
            names.add(k);
    return names;
}
function specOptions(role) {
    const file = join(rolesDir, role, 'meta', 'argument_specs.yml');
    assert.ok(existsSync(file), `role ${role} has no meta/argument_specs.yml`);
    const main = readArgumentSpecs(readYaml(file), file).main;
    assert.ok(main, `${file}: no main entry point`);
    return Object.fromEntries(Object.entries(main).map(([k, v]) => [k, asRecord(v)]));
}
function roleDefaults(role) {
    const file = join(rolesDir, role, 'defaults', 'main.yml');
    return existsSync(file) ? asRecord(readYaml(file)) : {};
}
describe('shipped roles follow docs/roles.md', () => {
    it('there are roles to check', () => assert.ok(roles.length > 0));
    for (const role of roles) {
        describe(role, () => {
            it('has tasks/main.yml and a test folder test/roles/NAME/ with a test', () => {
                assert.ok(existsSync(join(rolesDir, role, 'tasks', 'main.yml')));
                const tests = join(repoRoot, 'test', 'roles', role);
                assert.ok(existsSync(tests) && readdirSync(tests).some((f) => f.endsWith('.test.ts')), `no test in test/roles/${role}/`);
            });
            it('its argument spec types and describes every option, and names every default', () => {
                const options = specOptions(role);
                for (const [name, o] of Object.entries(options)) {
                    assert.ok(typeof o.type === 'string', `${role}: option ${name} has no type`);
                    assert.ok(o.description !== undefined, `${role}: option ${name} has no description`);
                }
                const unspecified = Object.keys(roleDefaults(role)).filter((k) => !Object.hasOwn(options, k));
                assert.deepEqual(unspecified, [], `${role}: defaults/main.yml sets variables its argument spec does not name`);
            });
            it('every optional option of its own has its default in defaults/main.yml, and the spec repeats it exactly', () => {
                const defaults = roleDefaults(role);
                for (const [name, o] of Object.entries(specOptions(role))) {
                    if (o.required === true || !name.startsWith(`${role}_`))
                        continue;
                    assert.ok(Object.hasOwn(defaults, name), `${role}: optional ${name} has no value in defaults/main.yml`);
                    assert.ok(Object.hasOwn(o, 'default'), `${role}: option ${name} does not show its default`);
                    assert.deepEqual(o.default, defaults[name], `${role}: the spec's default of ${name} differs from defaults/main.yml`);
                }
            });
            it('its variables are its own (NAME_...) or the inventory contract\'s, and it sets no contract value itself', async () => {
                const contract = await contractNames();
                const foreign = Object.keys(specOptions(role)).filter((n) => !n.startsWith(`${role}_`) && !contract.has(n));
                assert.deepEqual(foreign, [], `${role}: name these ${role}_... or use the contract's names (inventories/example)`);
                const owned = Object.keys(roleDefaults(role)).filter((n) => contract.has(n));
                assert.deepEqual(owned, [], `${role}: contract values come from the inventory, not from a role's defaults`);
            });
        });
    }
});
//# sourceMappingURL=roles-house.test.js.map