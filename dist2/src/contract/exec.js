export {};
//# sourceMappingURL=exec.js.map