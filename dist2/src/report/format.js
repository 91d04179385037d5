/** Small text helpers shared by the human-readable reporters. */
/** "250ms", "12.3s", "2m05s", "1h02m03s": short and sortable by eye. */
export function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        ms = 0;
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000)
        return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
    const totalSeconds = Math.floor(ms / 1000);
    const h = Math.floor(totalSeconds / 3600);
    const m = Math.floor((totalSeconds % 3600) / 60);
    const s = totalSeconds % 60;
    const ss = String(s).padStart(2, '0');
    if (h === 0)
        return `${m}m${ss}s`;
    return `${h}h${String(m).padStart(2, '0')}m${ss}s`;
}
/** Ansible's banner: the title, then stars to the full width (at least three). */
export function banner(title, width) {
    const stars = Math.max(3, width - 1 - title.length);
    return `${title} ${'*'.repeat(stars)}`;
}
/** `file:line`, or just the file when the line is unknown (0). */
export function formatPlace(file, line) {
    return line !== undefined && line > 0 ? `${file}:${line}` : file;
}
/** A usable output width: the terminal's when the stream is one, else 80. */
export function streamWidth(out) {
    const columns = out.columns;
    return typeof columns === 'number' && columns >= 40 ? Math.min(columns, 160) : 80;
}
//# sourceMappingURL=format.js.map