import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The models cache directory: `PV_MODELS_DIR`, else `$XDG_CACHE_HOME/pv/models`, else `~/.cache/pv/models`.
 * Relative values are resolved against the current directory.
 */
export function modelsCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const explicit = env.PV_MODELS_DIR;
  if (explicit) return resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'pv', 'models');
  return join(home, '.cache', 'pv', 'models');
}
