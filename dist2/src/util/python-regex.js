/**
 * Regular expressions written for Python's `re` (Ansible's lineinfile, blockinfile), compiled
 * as JavaScript: the two differ mostly in how named groups are spelt.
 */
export function compilePythonRegex(pattern) {
    const js = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    return new RegExp(js);
}
//# sourceMappingURL=python-regex.js.map