export { ActionFailed } from '../contract/actions.js';
export function defineModule(def) {
    return def;
}
//# sourceMappingURL=types.js.map