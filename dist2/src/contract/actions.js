import { describeExit } from './exit.js';
/** An action that did not succeed on the host. */
export class ActionFailed extends Error {
    action;
    result;
    registered;
    exit;
    /**
     * @param registered what `register` holds for the failure when the module has its own shape
     *   (a command's rc/stdout/stderr/msg); unset: the engine registers rc, stdout and stderr.
     */
    constructor(action, result, registered) {
        const exit = describeExit(result);
        super(`command failed: ${exit.headline}`);
        this.action = action;
        this.result = result;
        this.registered = registered;
        this.name = 'ActionFailed';
        this.exit = exit;
    }
}
//# sourceMappingURL=actions.js.map