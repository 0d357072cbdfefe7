import { secretValuesOf, type TConfig } from '@cia/config';
import { createSecretMasker } from '@cia/log-intel';

const maskers = new WeakMap<TConfig, (text: string) => string>();

/**
 * The masker of a configuration: the patterns, and every secret value of the configuration (the
 * API token in a clone URL, an AI key echoed by a provider error, a database password in a stack
 * trace). One per configuration, so the expression of its values is built once.
 */
export function maskerOf(config: TConfig): (text: string) => string {
  let masker = maskers.get(config);
  if (!masker) maskers.set(config, (masker = createSecretMasker({ extraValues: secretValuesOf(config) })));
  return masker;
}
