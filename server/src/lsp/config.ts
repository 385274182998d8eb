/**
 * Loading `apiwarden.config.json` for a workspace folder through the engine's config module.
 * Never throws: a broken or unreadable config yields the defaults plus the errors to show.
 */
import * as path from 'node:path';
import { CONFIG_FILE_NAME, defaultConfig, loadConfig, type ApiWardenConfig, type ConfigError } from '../engine/config';
import type { FileHost } from '../engine/host';

export interface LoadedConfig {
  config: ApiWardenConfig;
  /** Problems found in the config file; when non-empty, `config` is the default. */
  errors: ConfigError[];
  /** The config file read (or asked for), if any. */
  file?: string;
}

/**
 * @param root the workspace folder (discovery starts there and goes up)
 * @param configPath the `apiwarden.configPath` setting (absolute, or relative to `root`), or ''
 */
export function loadWorkspaceConfig(root: string, configPath: string, host: FileHost): LoadedConfig {
  try {
    const result = loadConfig({ startDir: root, configFile: configPath === '' ? undefined : configPath, host });
    if (result.config && result.errors.length === 0) return { config: result.config, errors: [], file: result.file };
    return { config: defaultConfig(root), errors: result.errors, file: result.file };
  } catch (error) {
    const file = configPath ? path.resolve(root, configPath) : path.join(root, CONFIG_FILE_NAME);
    const message = error instanceof Error ? error.message : String(error);
    return { config: defaultConfig(root), errors: [{ file, line: 1, column: 1, message }], file };
  }
}
