import { Chalk } from 'chalk';
/**
 * Whether output to `stream` should be coloured. FORCE_COLOR wins over NO_COLOR (as in Node
 * itself), so a CI log that asks for colour gets it; otherwise colour needs a real terminal.
 */
export function shouldUseColor(stream, env) {
    const force = env['FORCE_COLOR'];
    if (force !== undefined)
        return !(force === '0' || force.toLowerCase() === 'false');
    const noColor = env['NO_COLOR'];
    if (noColor !== undefined && noColor !== '')
        return false;
    if (env['TERM'] === 'dumb')
        return false;
    return stream.isTTY === true;
}
/**
 * An explicit chalk instance, so colour is decided by the caller and never by chalk sniffing
 * process.stdout. Level 1 (16 colours) is all the palette below needs.
 */
export function createChalk(color) {
    return new Chalk({ level: color ? 1 : 0 });
}
//# sourceMappingURL=color.js.map