import build from './build.rules.json';
import dependency from './dependency.rules.json';
import deployment from './deployment.rules.json';
import infrastructure from './infrastructure.rules.json';
import lint from './lint.rules.json';
import network from './network.rules.json';
import test from './test.rules.json';

/** Built-in knowledge base, one JSON file per family; `[file name, content]`. */
export const BUILTIN_RULE_FILES: [string, unknown][] = [
  ['build.rules.json', build],
  ['dependency.rules.json', dependency],
  ['deployment.rules.json', deployment],
  ['infrastructure.rules.json', infrastructure],
  ['lint.rules.json', lint],
  ['network.rules.json', network],
  ['test.rules.json', test],
];
