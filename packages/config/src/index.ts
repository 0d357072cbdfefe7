export { ZEnv, AI_PROVIDERS, type TEnv, type TAiProvider } from './env.schema';
export { loadConfig, enabledTriggers, ConfigError, type TConfig } from './load-config';
export { SECRET_SETTINGS, isSecretSetting, maskConfig, secretValuesOf, showSetting, type TSecretPart } from './secret-settings';
export { isPostbackProject, isRetryProject } from './postback-projects';
export { describeSettings, renderSettingsTable, renderEnvExample, type TSettingDoc } from './env-docs';
