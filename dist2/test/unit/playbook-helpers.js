import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defineModule } from '../../src/modules/types.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { FileMode } from '../../src/schema/formats.js';
import { K8sbmError } from '../../src/source/errors.js';
import { fixture as repoFixture } from '../helpers/paths.js';
import { tempTree } from '../helpers/temp.js';
/** Small stand-ins for real modules: the loader only needs names, schemas and freeForm. */
const plan = async () => ({ kind: 'ok', reason: 'test module' });
export const testModules = {
    command: defineModule({
        name: 'command',
        freeForm: 'cmd',
        schema: {
            type: 'object',
            additionalProperties: false,
            anyOf: [{ required: ['cmd'] }, { required: ['argv'] }],
            properties: {
                cmd: { type: 'string' }, argv: { type: 'array', items: { type: 'string' } },
                creates: { type: 'string' }, removes: { type: 'string' }, chdir: { type: 'string' },
            },
        },
        plan,
    }),
    file: defineModule({
        name: 'file',
        schema: {
            type: 'object',
            additionalProperties: false,
            required: ['path'],
            properties: {
                path: { type: 'string' }, state: { enum: ['file', 'directory', 'absent'] }, mode: FileMode(),
                owner: { type: ['string', 'integer'] }, recurse: { type: 'boolean' }, size: { type: 'integer' },
            },
        },
        plan,
    }),
    debug: defineModule({
        name: 'debug',
        controllerOnly: true,
        schema: { type: 'object', additionalProperties: false, properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer' } } },
        plan,
    }),
    sysctl: defineModule({
        name: 'sysctl',
        schema: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
                name: { type: 'string' },
                value: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
                tuning: { type: 'object', additionalProperties: false, properties: { level: { type: 'integer' } } },
            },
        },
        plan,
    }),
    set_fact: defineModule({ name: 'set_fact', controllerOnly: true, schema: { type: 'object' }, plan }),
    meta: defineModule({
        name: 'meta',
        freeForm: 'free_form',
        controllerOnly: true,
        schema: { type: 'object', additionalProperties: false, required: ['free_form'], properties: { free_form: { enum: ['flush_handlers', 'noop', 'end_play'] } } },
        plan,
    }),
};
/** Write files (path -> text) into a fresh temp folder (removed when the process exits) and return it. */
export function writeTree(files) {
    return tempTree('playbook', files);
}
export function loader(rolesPath = []) {
    return new PlaybookLoader({ modules: testModules, rolesPath });
}
/** Load `site.yml` of a tree made from `files`. */
export function loadTree(files, entry = 'site.yml') {
    const dir = writeTree(files);
    return { dir, playbook: loader().loadPlaybook(join(dir, entry)) };
}
/** Run `fn`, expect a K8sbmError matching `want`, and return it for further checks. */
export function expectError(fn, want, dir) {
    let caught;
    try {
        fn();
    }
    catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof K8sbmError, `expected a K8sbmError ${want.code}, got ${caught instanceof Error ? caught.stack : String(caught)}`);
    const e = caught;
    assert.equal(e.code, want.code, `${e.code}: ${e.message}`);
    if (want.file !== undefined)
        assert.equal(e.loc?.file, dir && !want.file.startsWith('/') ? join(dir, want.file) : want.file, e.message);
    if (want.line !== undefined)
        assert.equal(e.loc?.line, want.line, `line of: ${e.message}`);
    if (want.col !== undefined)
        assert.equal(e.loc?.col, want.col, `col of: ${e.message}`);
    if (want.message)
        assert.match(e.message, want.message);
    if (want.hint)
        assert.match(e.hint ?? '', want.hint);
    assert.ok(e.hint && e.hint.length > 0, 'every user-facing error has a hint');
    return e;
}
export function fixture(...parts) {
    return repoFixture('playbooks', ...parts);
}
//# sourceMappingURL=playbook-helpers.js.map