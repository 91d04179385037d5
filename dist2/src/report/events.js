export function emptyCounts() {
    return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 };
}
//# sourceMappingURL=events.js.map