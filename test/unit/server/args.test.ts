// Command line of `npm run serve` (src-main/server/args.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, defaultSettingsDir, exposureWarning, parseServeArgs, UsageError } from '../../../src-main/server/args';

const env = { HOME: '/home/u' } as NodeJS.ProcessEnv;

describe('parseServeArgs', () => {
  it('has safe defaults', () => {
    expect(parseServeArgs([], env)).toEqual({ port: DEFAULT_PORT, portExplicit: false, host: '127.0.0.1', settingsDir: '/home/u/.config/virtdesk', allowHosts: [], tlsCert: null, tlsKey: null, help: false });
  });

  it('reads --allow-host (repeatable) and --tls-cert/--tls-key as absolute paths', () => {
    const a = parseServeArgs(['--allow-host', 'VMHost.example.lan', '--allow-host=[fd00::5]', '--allow-host', '10.0.0.7', '--tls-cert', 'c.pem', '--tls-key=/k.pem'], env);
    expect(a.allowHosts).toEqual(['vmhost.example.lan', 'fd00::5', '10.0.0.7']);
    expect(a.tlsCert).toBe(path.resolve('c.pem'));
    expect(a.tlsKey).toBe('/k.pem');
  });

  it('reads --port, --listen and --settings-dir in both spellings', () => {
    expect(parseServeArgs(['--port', '0', '--listen', '0.0.0.0', '--settings-dir', '/tmp/s'], env)).toMatchObject({ port: 0, portExplicit: true, host: '0.0.0.0', settingsDir: '/tmp/s' });
    expect(parseServeArgs(['--port=9000', '--listen=::1', '--settings-dir=rel'], env)).toMatchObject({ port: 9000, host: '::1', settingsDir: path.resolve('rel') });
    expect(parseServeArgs(['--listen', 'localhost'], env).host).toBe('127.0.0.1');
    expect(parseServeArgs(['--listen', '[::]'], env).host).toBe('::');
    expect(parseServeArgs(['--help'], env).help).toBe(true);
  });

  it('refuses bad arguments with one clear line', () => {
    const bad: [string[], RegExp][] = [
      [['--port'], /--port needs a value/],
      [['--port', 'abc'], /--port must be a number/],
      [['--port', '70000'], /--port must be a number/],
      [['--port', '-1'], /--port needs a value|--port must be a number/],
      [['--listen', 'example.com'], /--listen must be an IP address/],
      [['--listen', '--port', '1'], /--listen needs a value/],
      [['--settings-dir='], /must not be empty/],
      [['--frobnicate'], /unknown argument '--frobnicate'/],
      [['extra'], /unknown argument 'extra'/],
      [['--port', '1', '--port', '2'], /more than once/],
      [['--allow-host', 'evil.example:8390'], /--allow-host must be a host name/],
      [['--allow-host', 'http://x'], /--allow-host must be a host name/],
      [['--allow-host', 'a..b'], /--allow-host must be a host name/],
      [['--tls-cert', '/c.pem'], /--tls-cert and --tls-key go together: --tls-cert was given without --tls-key/],
      [['--tls-key', '/k.pem'], /--tls-cert and --tls-key go together: --tls-key was given without --tls-cert/],
      [['--tls-cert', '/a', '--tls-cert', '/b', '--tls-key', '/k'], /--tls-cert given more than once/],
      [['--tls-key='], /--tls-key must not be empty/],
    ];
    for (const [argv, message] of bad) {
      let err: unknown;
      try {
        parseServeArgs(argv, env);
      } catch (e) {
        err = e;
      }
      expect(err, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((err as Error).message, argv.join(' ')).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('follows XDG_CONFIG_HOME when it is absolute', () => {
    expect(defaultSettingsDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/virtdesk');
    expect(defaultSettingsDir({ HOME: '/home/u', XDG_CONFIG_HOME: 'relative' })).toBe('/home/u/.config/virtdesk');
  });

  it('warns about non-loopback listen addresses only', () => {
    expect(exposureWarning('127.0.0.1')).toBeNull();
    expect(exposureWarning('::1')).toBeNull();
    expect(exposureWarning('0.0.0.0')).toMatch(/anyone on that network who has the token/);
    expect(exposureWarning('192.168.1.5')).toMatch(/192\.168\.1\.5/);
  });

  it('says the token travels unencrypted beyond loopback unless TLS is used', () => {
    expect(exposureWarning('192.168.1.5')).toMatch(/Without --tls-cert\/--tls-key the connection is unencrypted: the token .* clear text/);
    expect(exposureWarning('192.168.1.5', true)).toMatch(/anyone on that network who has the token/);
    expect(exposureWarning('192.168.1.5', true)).not.toMatch(/unencrypted/);
    expect(exposureWarning('127.0.0.1', false)).toBeNull();
    for (const w of [exposureWarning('0.0.0.0'), exposureWarning('0.0.0.0', true)]) expect(w).not.toContain('\n');
  });
});
