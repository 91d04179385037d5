export function assertNever(x, what = 'value') {
    throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
//# sourceMappingURL=assert-never.js.map