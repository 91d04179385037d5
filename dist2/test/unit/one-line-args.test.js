import { describe, it } from 'node:test';
import { join } from 'node:path';
import { expectError, loader, writeTree } from './playbook-helpers.js';
/** A param written in the one-line form (`file: path=/x state=weird`) is pointed at by its own column. */
function bad(task, want) {
    const dir = writeTree({ 'site.yml': `- hosts: all\n  tasks:\n${task}` });
    return expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { file: 'site.yml', ...want }, dir);
}
describe('one-line params', () => {
    it('a bad value in a plain string: the column of that value', () => {
        bad('    - file: path=/x state=weird\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 27, message: /state must be one of/ });
    });
    it('a quoted string without escapes: the column inside the quotes', () => {
        bad('    - file: "path=/x   state=weird"\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 30 });
        bad("    - file: 'path=/x state=weird'\n", { code: 'K8SBM_PARAM_INVALID', line: 3, col: 28 });
    });
    it('an unknown param: the column of its name; a value of the wrong type: the column of the value', () => {
        bad('    - file: path=/x stat=file\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 21, message: /unknown param "stat"/ });
        bad('    - file: path=/x size=big\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 26, message: /size/ });
    });
    it('a string whose source differs from its value (escapes, folded lines): the start of the string', () => {
        bad('    - file: "path=/x\\t state=weird"\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 13 });
        bad('    - file: path=/x\n        state=weird\n', { code: 'K8SBM_PARAM_INVALID', line: 3, col: 13 });
    });
});
//# sourceMappingURL=one-line-args.test.js.map