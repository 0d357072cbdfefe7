export { ZEnv, AI_PROVIDERS, type TEnv, type TAiProvider } from './env.schema';
export { loadConfig, maskConfig, isSecretSetting, enabledTriggers, ConfigError, type TConfig } from './load-config';
export { describeSettings, renderSettingsTable, renderEnvExample, type TSettingDoc } from './env-docs';
