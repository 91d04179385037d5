/**
 * apt source entries: the one-line format (`deb [signed-by=...] URI SUITE COMPONENTS`) and
 * deb822 (.sources stanzas). Pure: params in, file text out.
 */
export class SourceError extends Error {
}
const ONE_LINE = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/;
/** Parses a `repo:` line; throws SourceError with what is wrong. */
export function parseSourceLine(line) {
    const m = ONE_LINE.exec(line.trim());
    if (!m)
        throw new SourceError(`"${line}" is not an apt source line: expected "deb [options] URI SUITE [COMPONENT...]"`);
    const options = [];
    for (const opt of (m[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
        const eq = opt.indexOf('=');
        if (eq <= 0)
            throw new SourceError(`option "${opt}" in [${m[2]}] is not key=value`);
        options.push([opt.slice(0, eq), opt.slice(eq + 1)]);
    }
    const components = (m[5] ?? '').split(/\s+/).filter(Boolean);
    checkSuite(m[4], components);
    return { type: m[1], options, uri: m[3], suite: m[4], components };
}
/** A flat repository ("/", "./", "stable/") has no components; a dist suite needs at least one. */
export function checkSuite(suite, components) {
    if (suite.endsWith('/') && components.length > 0) {
        throw new SourceError(`suite "${suite}" is a flat repository path (ends with /): it takes no components (got ${components.join(' ')})`);
    }
    if (!suite.endsWith('/') && components.length === 0) {
        throw new SourceError(`suite "${suite}" needs at least one component (e.g. main); a flat repository's suite ends with / (e.g. "/")`);
    }
}
export function renderSourceLine(src) {
    const opts = src.options.length ? ` [${src.options.map(([k, v]) => `${k}=${v}`).join(' ')}]` : '';
    return `${src.type}${opts} ${src.uri} ${src.suite}${src.components.length ? ` ${src.components.join(' ')}` : ''}\n`;
}
/** The line with signed-by set; a different signed-by already in the line is an error. */
export function withSignedBy(src, keyring) {
    if (keyring === undefined)
        return src;
    const have = src.options.find(([k]) => k === 'signed-by');
    if (have) {
        if (have[1] !== keyring)
            throw new SourceError(`the repo line says signed-by=${have[1]} but the keyring is ${keyring}`);
        return src;
    }
    return { ...src, options: [...src.options, ['signed-by', keyring]] };
}
export function renderDeb822(src) {
    for (const suite of src.suites)
        checkSuite(suite, src.components);
    const lines = [
        `Types: ${src.types.join(' ')}`,
        `URIs: ${src.uris.join(' ')}`,
        `Suites: ${src.suites.join(' ')}`,
        ...(src.components.length ? [`Components: ${src.components.join(' ')}`] : []),
        ...(src.architectures.length ? [`Architectures: ${src.architectures.join(' ')}`] : []),
        ...(src.signedBy ? [`Signed-By: ${src.signedBy}`] : []),
    ];
    return `${lines.join('\n')}\n`;
}
/**
 * A file name from the repository's address, as Ansible's apt_repository makes one:
 * "https://pkgs.k8s.io/core:/stable:/v1.31/deb/" -> "pkgs.k8s.io_core_stable_v1.31_deb".
 */
export function filenameFromUri(uri) {
    const rest = uri.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '').replace(/^[^@/]*@/, '');
    const name = rest.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^_+|_+$/g, '');
    return name || 'repository';
}
/** "a b" or ["a", "b"] -> ["a", "b"] */
export function listParam(v) {
    if (v === undefined)
        return [];
    return (typeof v === 'string' ? v.split(/\s+/) : [...v]).filter(Boolean);
}
//# sourceMappingURL=apt_repository-source.js.map