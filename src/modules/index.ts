import { assert } from './assert.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { file } from './file.js';
import { lineinfile } from './lineinfile.js';
import { meta } from './meta.js';
import { set_fact } from './set_fact.js';
import { setup } from './setup.js';
import { shell } from './shell.js';
import { stat } from './stat.js';
import { template } from './template.js';
import type { AnyModule } from './types.js';

/** Every module by its YAML key. Module name = YAML key = file name = fixture folder. */
export const modules = {
  command, shell, copy, template, file, lineinfile, stat, debug, set_fact, assert, fail, meta, setup,
} as const satisfies Record<string, AnyModule>;

export type ModuleName = keyof typeof modules;
