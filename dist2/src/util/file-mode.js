/**
 * File modes as chmod reads them: octal ("0644", "2775") or symbolic clauses ("u=rw,g=r,o=r",
 * "+x"). The grammar lives here once: the params format refuses what does not parse, and the
 * file modules compute what a mode makes of the bits a path has now.
 */
export class ModeError extends Error {
}
const OCTAL = /^[0-7]{3,5}$/;
const CLAUSE = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/;
export function isOctalMode(spec) {
    return OCTAL.test(spec);
}
/** Why `spec` is not a mode chmod understands, or undefined when it is one. */
export function modeSyntaxError(spec) {
    try {
        resolveMode(spec, 0o644, false);
        return undefined;
    }
    catch (e) {
        return e.message;
    }
}
/** chmod's semantics for one mode string against a current mode; symbolic clauses with no `who` mean `a`. */
export function resolveMode(spec, current, isDir) {
    if (OCTAL.test(spec)) {
        const n = parseInt(spec, 8);
        if (n > 0o7777)
            throw new ModeError(`${spec} is out of range (the largest mode is 7777)`);
        return n;
    }
    let mode = current & 0o7777;
    for (const clause of spec.split(',')) {
        const m = CLAUSE.exec(clause);
        if (!m)
            throw new ModeError(`"${clause}" is neither octal nor a symbolic clause such as u+x`);
        const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
        const whoMask = (who.includes('u') ? 0o4700 : 0) | (who.includes('g') ? 0o2070 : 0) | (who.includes('o') ? 0o1007 : 0);
        for (const [, op, perms] of m[2].matchAll(/([-+=])([ugo]|[rwxXst]*)/g)) {
            const bits = permBits(perms, who, mode, isDir) & whoMask;
            if (op === '+')
                mode |= bits;
            else if (op === '-')
                mode &= ~bits;
            else
                mode = (mode & ~whoMask) | bits;
        }
    }
    return mode;
}
function permBits(perms, who, mode, isDir) {
    if (/^[ugo]$/.test(perms)) {
        // g=u: copy the permission bits of another class.
        const shift = perms === 'u' ? 6 : perms === 'g' ? 3 : 0;
        const rwx = (mode >> shift) & 7;
        return (rwx << 6) | (rwx << 3) | rwx;
    }
    let bits = 0;
    for (const c of perms) {
        if (c === 'r')
            bits |= 0o444;
        else if (c === 'w')
            bits |= 0o222;
        else if (c === 'x')
            bits |= 0o111;
        else if (c === 'X' && (isDir || (mode & 0o111) !== 0))
            bits |= 0o111;
        else if (c === 's')
            bits |= (who.includes('u') ? 0o4000 : 0) | (who.includes('g') ? 0o2000 : 0);
        else if (c === 't')
            bits |= 0o1000;
    }
    return bits;
}
/** True when the result does not depend on the mode a file had before ("0644", "u=rw,go=r"). */
export function isAbsoluteMode(spec) {
    return resolveMode(spec, 0, true) === resolveMode(spec, 0o7777, true)
        && resolveMode(spec, 0, false) === resolveMode(spec, 0o7777, false);
}
/** A symbolic mode with `who` spelt out, so chmod does not apply the umask to "+x". */
export function explicitSymbolicMode(spec) {
    if (OCTAL.test(spec))
        return spec;
    return spec.split(',').map((c) => (/^[-+=]/.test(c) ? `a${c}` : c)).join(',');
}
//# sourceMappingURL=file-mode.js.map