/**
 * Check mode's predicted facts of one host: each change an earlier task would have made declares
 * its effect on facts, and later tasks read the prediction instead of the unchanged host. A
 * prediction of a fact read a piece at a time (FactDef.partial) may lack part of a later query
 * (a sysctl key, a file no earlier task touched): that part alone is read from the host and
 * merged in, so a module never has to know whether what it reads was predicted.
 */
export class FactOverlay {
    #predicted = new Map();
    predict(effects) {
        for (const e of effects)
            this.#predicted.set(subject(e.fact, e.key), e.value);
    }
    async read(def, arg, fromHost) {
        const k = subject(def.name, def.key(arg));
        if (!this.#predicted.has(k))
            return fromHost(def, arg);
        const known = this.#predicted.get(k);
        const missing = def.partial?.missing(known, arg);
        return missing === undefined ? known : def.partial.merge(known, await fromHost(def, missing));
    }
}
function subject(fact, key) {
    return `${fact}\u0000${key}`;
}
//# sourceMappingURL=fact-overlay.js.map