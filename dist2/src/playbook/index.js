export { PlaybookLoader } from './loader.js';
export { checkRoleArguments } from './argspec.js';
export { parseFreeFormArgs, parseKeyValueArgs, splitArgs } from '../source/freeform.js';
export { BLOCK_KEYWORDS, IMPORT_KEYWORDS, IMPORT_PLAYBOOK_KEYWORDS, INCLUDE_KEYWORDS, INHERITABLE_KEYWORDS, LOOP_CONTROL_KEYS, PLAY_KEYWORDS, ROLE_ENTRY_KEYWORDS, ROLE_INCLUDE_PARAMS, SPECIAL_TASK_KEYS, TASK_KEYWORDS, stripFqcn, } from '../schema/playbook-keywords.js';
//# sourceMappingURL=index.js.map