export { loadInventory, isIgnoredInventoryEntry } from './load.js';
export { Inventory, InventoryGroup, InventoryHost, LOCALHOST_NAMES, sortGroups } from './model.js';
export { hostLayers, hostVars, groupNamesOf, groupsMap, inventoryMagicVars, groupVarsOf, directHostVarsOf, } from './layers.js';
export { selectHosts, splitHostPattern, orderPatterns } from './patterns.js';
export { toAnsibleList, toAnsibleHost, toGraph, formatAnsibleJson } from './output.js';
export { connectionVarsOf, ansibleBoolean } from './connection-vars.js';
export { parseIniInventory } from './ini.js';
export { parseYamlInventory } from './yaml-inventory.js';
export { parseAnsibleYaml, parseAnsibleYamlAll } from './ansible-yaml.js';
export { parseIniValue } from './pyliteral.js';
export { expandHostPattern, expandHostnameRange, parseAddress } from './ranges.js';
//# sourceMappingURL=index.js.map