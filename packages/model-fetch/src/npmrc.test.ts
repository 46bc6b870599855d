import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY, authTokenFor, parseNpmrc, resolveRegistryConfig } from './npmrc.js';

describe('parseNpmrc', () => {
  it('reads the registry and host tokens, ignoring comments and other keys', () => {
    const settings = parseNpmrc(
      [
        '# comment',
        '; another comment',
        'registry = https://npm.example.com/repo',
        '//npm.example.com/repo/:_authToken="abc"',
        '//other.example.com:8443/:_authToken=def',
        '@scope:registry=https://scoped.example.com/',
        'strict-ssl=false',
        'garbage line',
      ].join('\r\n'),
      {},
    );
    expect(settings.registry).toBe('https://npm.example.com/repo/');
    expect([...settings.authTokens]).toEqual([
      ['//npm.example.com/repo/', 'abc'],
      ['//other.example.com:8443/', 'def'],
    ]);
  });

  it('expands ${VAR} from the environment and skips lines naming an unset variable', () => {
    const text = '//a.example.com/:_authToken=${TOKEN_A}\n//b.example.com/:_authToken=${TOKEN_B}\nregistry=${REG}';
    const settings = parseNpmrc(text, { TOKEN_A: 'from-env', REG: 'https://reg.example.com' });
    expect([...settings.authTokens]).toEqual([['//a.example.com/', 'from-env']]);
    expect(settings.registry).toBe('https://reg.example.com/');
  });
});

describe('resolveRegistryConfig', () => {
  let root: string;
  let home: string;
  let project: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pv-npmrc-'));
    home = join(root, 'home');
    project = join(root, 'work', 'project');
    await mkdir(home, { recursive: true });
    await mkdir(join(project, 'packages', 'a'), { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('defaults to the public registry with no tokens', () => {
    const config = resolveRegistryConfig({ env: {}, home, cwd: project });
    expect(config.registry).toBe(DEFAULT_REGISTRY);
    expect(config.authTokens.size).toBe(0);
  });

  it('takes the user file, then the nearest project file above cwd, then the environment', async () => {
    await writeFile(join(home, '.npmrc'), 'registry=https://user.example.com/\n//user.example.com/:_authToken=u\n//shared.example.com/:_authToken=from-user\n');
    const cwd = join(project, 'packages', 'a');
    expect(resolveRegistryConfig({ env: {}, home, cwd }).registry).toBe('https://user.example.com/');

    await writeFile(join(project, '.npmrc'), 'registry=https://project.example.com/\n//shared.example.com/:_authToken=from-project\n');
    const config = resolveRegistryConfig({ env: {}, home, cwd });
    expect(config.registry).toBe('https://project.example.com/');
    expect(config.authTokens.get('//user.example.com/')).toBe('u');
    expect(config.authTokens.get('//shared.example.com/')).toBe('from-project');

    expect(resolveRegistryConfig({ env: { NPM_CONFIG_REGISTRY: 'https://env.example.com' }, home, cwd }).registry).toBe('https://env.example.com/');
    expect(resolveRegistryConfig({ env: { npm_config_registry: 'https://lower.example.com/' }, home, cwd }).registry).toBe('https://lower.example.com/');
  });

  it('reads the user file named by NPM_CONFIG_USERCONFIG', async () => {
    const file = join(root, 'custom-npmrc');
    await writeFile(file, 'registry=https://custom.example.com/\n');
    expect(resolveRegistryConfig({ env: { NPM_CONFIG_USERCONFIG: file }, home, cwd: project }).registry).toBe('https://custom.example.com/');
  });
});

describe('authTokenFor', () => {
  const config = {
    authTokens: new Map([
      ['//reg.example.com/', 'host'],
      ['//reg.example.com/npm/private/', 'private'],
      ['//evil.example.com/', 'evil'],
    ]),
  };

  it('uses the longest matching host and path prefix', () => {
    expect(authTokenFor('https://reg.example.com/npm/private/pkg/-/pkg-1.0.0.tgz', config)).toBe('private');
    expect(authTokenFor('https://reg.example.com/pkg', config)).toBe('host');
  });

  it('never sends a token to another host or port', () => {
    expect(authTokenFor('https://registry.npmjs.org/pkg', config)).toBeUndefined();
    expect(authTokenFor('https://reg.example.com:8080/pkg', config)).toBeUndefined();
    expect(authTokenFor('https://reg.example.com.evil.org/pkg', config)).toBeUndefined();
  });
});
