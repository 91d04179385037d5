/**
 * A host's basic facts as playbooks see them (`facts.os.family`, `facts.default_ipv4.address`).
 * Plain JSON-able data with snake_case keys. Unknown strings are '', unknown numbers 0 unless
 * zero would be misleading (uid: null), missing structures null or empty.
 */
export {};
//# sourceMappingURL=host-types.js.map