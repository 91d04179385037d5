/**
 * Templating (handlebars) and the condition language (Jinja-style expressions), with Ansible's
 * lazy variables: see render.ts and condition.ts.
 */
export { renderValue, renderString, renderTemplateText, isTemplated, checkTemplates, checkTemplateText, type RenderedText, type TemplateWhere } from './render.js';
export { evalExpression, evalCondition, checkCondition } from './condition.js';
export { markData, markDataKey, assignVars, extendVars } from './scope.js';
export { cidrAddress, cidrPrefix, cidrNetmask, cidrNetwork, cidrBroadcast, cidrHost, cidrContains, parseNet, CidrError } from './cidr.js';
