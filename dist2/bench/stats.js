/** Summaries of repeated measurements: the median, with min and max beside it. */
/** The middle value; the mean of the two middle values for an even count. */
export function median(values) {
    if (values.length === 0)
        throw new RangeError('median of no values');
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
export function summarize(values) {
    if (values.length === 0)
        throw new RangeError('summary of no values');
    return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}
/** How many times slower `slow` is than `fast` (Ansible time / k8sbm time). */
export function speedup(slow, fast) {
    if (!(fast > 0))
        throw new RangeError(`cannot divide by ${fast}`);
    return slow / fast;
}
/** "33" when every host has the same count, "31-35" otherwise. */
export function perHostRange(counts) {
    const values = Object.values(counts);
    if (values.length === 0)
        return '-';
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return lo === hi ? String(lo) : `${lo}-${hi}`;
}
//# sourceMappingURL=stats.js.map