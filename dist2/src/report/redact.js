import { isSecret, maskSecrets } from '../util/secret.js';
/**
 * The last safety net before output: every string anywhere in the event (messages, details,
 * diffs, item labels, keys) with the given secret values masked as ***. Returns a copy; the
 * event passed in is not modified.
 */
export function redactEvent(e, secrets) {
    // Longest first, so a secret that contains another is masked whole rather than in pieces.
    const masks = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
    if (masks.length === 0)
        return e;
    return redactValue(e, masks);
}
function redactValue(v, masks) {
    if (typeof v === 'string')
        return maskSecrets(v, masks);
    if (v === null || typeof v !== 'object')
        return v;
    // A Secret already prints as ***; keep it so JSON and diffs still treat it as one.
    if (isSecret(v))
        return v;
    if (Array.isArray(v))
        return v.map((x) => redactValue(x, masks));
    if (Buffer.isBuffer(v))
        return v;
    const out = {};
    for (const [k, x] of Object.entries(v))
        out[maskSecrets(k, masks)] = redactValue(x, masks);
    return out;
}
//# sourceMappingURL=redact.js.map