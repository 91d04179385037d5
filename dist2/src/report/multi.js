/**
 * Fans every event out to several reporters. One reporter throwing does not starve the others:
 * all of them get the event (and close), then the first error is rethrown.
 */
export function multiReporter(...reporters) {
    return {
        onEvent(e) {
            let first;
            for (const r of reporters) {
                try {
                    r.onEvent(e);
                }
                catch (error) {
                    first ??= { error };
                }
            }
            if (first)
                throw first.error;
        },
        async close() {
            const settled = await Promise.allSettled(reporters.map((r) => r.close()));
            const failed = settled.find((s) => s.status === 'rejected');
            if (failed)
                throw failed.reason;
        },
    };
}
//# sourceMappingURL=multi.js.map