/** CPU the tool used on the controller: its process tree plus detached ssh masters. */
export function controllerCpuS(r) {
    return r.userS + r.sysS + r.sshMasterCpuS;
}
/** Busy CPU not accounted to the tool or the nodes: other work on the machine during the phase. */
export function otherCpuS(r) {
    return Math.max(0, r.machineBusyS - controllerCpuS(r) - r.nodeCpuS);
}
//# sourceMappingURL=results.js.map