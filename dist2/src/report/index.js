export { emptyCounts } from './events.js';
export { createChalk, shouldUseColor } from './color.js';
export { diffLines, renderDiff } from './diff.js';
export { createPrettyReporter } from './pretty.js';
export { createFileReporter, createJsonReporter, toJsonLine, toJsonRecord } from './json.js';
export { createJunitReporter, escapeXml, JunitCollector, renderJunitXml } from './junit.js';
export { multiReporter } from './multi.js';
export { redactEvent } from './redact.js';
export { formatDuration } from './format.js';
//# sourceMappingURL=index.js.map