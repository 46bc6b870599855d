import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The public npm registry, used when nothing else is configured. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** The registry settings pv uses: where to fetch from, and bearer tokens by `//host/path/` prefix. */
export interface RegistryConfig {
  /** Registry base URL, always ending with `/`. */
  readonly registry: string;
  /** `_authToken` values keyed by their nerf-dart prefix (`//host[:port]/path/`, ending with `/`). */
  readonly authTokens: ReadonlyMap<string, string>;
}

/** The parts of one `.npmrc` file pv understands. */
export interface NpmrcSettings {
  readonly registry?: string;
  readonly authTokens: ReadonlyMap<string, string>;
}

/**
 * Reads the two kinds of lines pv supports from `.npmrc` text: `registry=<url>` and
 * `//host[:port]/path/:_authToken=<token>`. `${NAME}` in a value is replaced by that environment variable (a line
 * naming an unset variable is ignored); `#` and `;` start comments; values may be quoted. Every other key
 * (scoped registries, `_auth`, `username`/`_password`, certificates, proxies) is ignored.
 */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = process.env): NpmrcSettings {
  let registry: string | undefined;
  const authTokens = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/u)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = expandEnv(unquote(line.slice(eq + 1).trim()), env);
    if (value === undefined || value === '') continue;
    if (key === 'registry') registry = withTrailingSlash(value);
    else if (key.startsWith('//') && key.endsWith(':_authToken')) {
      authTokens.set(withTrailingSlash(key.slice(0, -':_authToken'.length)), value);
    }
  }
  return registry === undefined ? { authTokens } : { registry, authTokens };
}

/** Where {@link resolveRegistryConfig} looks. Every field defaults to the real process's value. */
export interface RegistryLookup {
  readonly env?: NodeJS.ProcessEnv;
  /** Where the search for the project `.npmrc` starts (the nearest one in this folder or a parent wins). */
  readonly cwd?: string;
  readonly home?: string;
}

/**
 * The registry configured for this user and project, in npm's order of precedence: the
 * `npm_config_registry` / `NPM_CONFIG_REGISTRY` environment variable, then the project `.npmrc` (nearest one
 * upwards from `cwd`), then the user `.npmrc` (`NPM_CONFIG_USERCONFIG`, else `~/.npmrc`), then
 * {@link DEFAULT_REGISTRY}. Tokens from the project file win over the user file's for the same prefix.
 */
export function resolveRegistryConfig(lookup: RegistryLookup = {}): RegistryConfig {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? homedir();
  const userFile = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? join(home, '.npmrc');
  const user = readNpmrc(resolve(userFile), env);
  const projectFile = findUpwards(resolve(lookup.cwd ?? process.cwd()), '.npmrc');
  const project = projectFile !== undefined && projectFile !== resolve(userFile) ? readNpmrc(projectFile, env) : undefined;
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  const registry = fromEnv ? withTrailingSlash(fromEnv) : (project?.registry ?? user?.registry ?? DEFAULT_REGISTRY);
  return {
    registry,
    authTokens: new Map([...(user?.authTokens ?? []), ...(project?.authTokens ?? [])]),
  };
}

/**
 * The bearer token configured for `url`, if any: the one whose `//host/path/` prefix is the longest match
 * of the URL without its protocol. Tokens are only ever sent to the host they are configured for.
 */
export function authTokenFor(url: string, config: Pick<RegistryConfig, 'authTokens'>): string | undefined {
  const parsed = new URL(url);
  const target = `//${parsed.host}${parsed.pathname}`;
  let best: { prefix: string; token: string } | undefined;
  for (const [prefix, token] of config.authTokens) {
    if (target.startsWith(prefix) && (best === undefined || prefix.length > best.prefix.length)) best = { prefix, token };
  }
  return best?.token;
}

function readNpmrc(file: string, env: NodeJS.ProcessEnv): NpmrcSettings | undefined {
  try {
    return parseNpmrc(readFileSync(file, 'utf8'), env);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') {
      return undefined;
    }
    throw error;
  }
}

function findUpwards(start: string, name: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function unquote(value: string): string {
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
  return quoted ? value.slice(1, -1) : value;
}

function expandEnv(value: string, env: NodeJS.ProcessEnv): string | undefined {
  let missing = false;
  const expanded = value.replace(/\$\{([^}]+)\}/gu, (_, name: string) => {
    const v = env[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : expanded;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
