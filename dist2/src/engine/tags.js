export function shouldRunByTags(taskTags, filter) {
    const tags = new Set(taskTags);
    const only = filter.only.length ? filter.only : ['all'];
    const skip = new Set(filter.skip);
    if (skip.has('all') && !(tags.has('always') && !skip.has('always')))
        return false;
    if (skip.has('tagged') && tags.size > 0 && !tags.has('always'))
        return false;
    if (skip.has('untagged') && tags.size === 0)
        return false;
    for (const t of tags)
        if (skip.has(t))
            return false;
    if (tags.has('always'))
        return true;
    const onlySet = new Set(only);
    if (tags.has('never')) {
        // `never` tasks run only when one of their other tags (or `never` itself) is asked for by name.
        for (const t of tags)
            if (t !== 'never' && onlySet.has(t))
                return true;
        return onlySet.has('never');
    }
    if (onlySet.has('all'))
        return true;
    if (onlySet.has('tagged') && tags.size > 0)
        return true;
    if (onlySet.has('untagged') && tags.size === 0)
        return true;
    for (const t of tags)
        if (onlySet.has(t))
            return true;
    return false;
}
//# sourceMappingURL=tags.js.map