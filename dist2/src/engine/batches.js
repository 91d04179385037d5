import { K8sbmError } from '../source/errors.js';
/**
 * Split hosts into batches per `serial` (numbers, "N%" strings, or a list whose last entry
 * repeats), as Ansible does. An empty list means one batch of all hosts.
 */
export function computeBatches(hosts, serial, loc) {
    if (hosts.length === 0)
        return [];
    if (serial.length === 0)
        return [hosts.slice()];
    const sizes = serial.map((s) => batchSize(s, hosts.length, loc));
    const out = [];
    let i = 0;
    let k = 0;
    while (i < hosts.length) {
        const size = sizes[Math.min(k, sizes.length - 1)];
        out.push(hosts.slice(i, i + size));
        i += size;
        k++;
    }
    return out;
}
function batchSize(s, total, loc) {
    if (typeof s === 'number') {
        if (!Number.isInteger(s) || s < 0)
            throw badSerial(String(s), loc);
        return s === 0 ? total : s;
    }
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(s);
    if (m)
        return Math.max(1, Math.floor((Number(m[1]) / 100) * total));
    if (/^\s*\d+\s*$/.test(s))
        return batchSize(Number(s), total, loc);
    throw badSerial(s, loc);
}
function badSerial(v, loc) {
    return new K8sbmError('K8SBM_SERIAL_INVALID', `serial must be a number, a percentage or a list of them, got "${v}"`, {
        loc,
        hint: 'e.g. serial: 1, serial: "30%", or serial: [1, 5, "50%"]',
    });
}
/** Ansible's max_fail_percentage: abort when the failed share of the batch is strictly above it. */
export function exceedsFailPercentage(failed, batchSize, maxFailPercentage) {
    if (maxFailPercentage === undefined || batchSize === 0)
        return false;
    return (failed / batchSize) * 100 > maxFailPercentage;
}
//# sourceMappingURL=batches.js.map