import type Handlebars from 'handlebars';
import { lazyRequire } from '../util/lazy.js';

/**
 * Handlebars' parser alone (what the full package sets as Handlebars.parse and .Parser): k8sbm
 * parses with it and evaluates the tree itself, so Handlebars' compiler and runtime are never
 * loaded.
 */
export const handlebarsBase = lazyRequire<{ parse: typeof Handlebars.parse; parser: unknown }>('handlebars/dist/cjs/handlebars/compiler/base');
