/** NO_PROXY matching, environment variable precedence and proxy URL parsing (pure functions). */
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../src/index.js';
import { bypassesProxy, environmentNoProxy, environmentProxy, parseProxy } from '../../src/transport/proxy.js';

const bypass = (url: string, list: string) => bypassesProxy(new URL(url), list.split(','));

describe('NO_PROXY matching', () => {
  it('matches a domain and its subdomains, written bare, with a dot or with *.', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.COM']) {
      expect(bypass('http://example.com/', entry), entry).toBe(true);
      expect(bypass('https://api.example.com/', entry), entry).toBe(true);
      expect(bypass('https://a.b.example.com/', entry), entry).toBe(true);
      expect(bypass('https://notexample.com/', entry), entry).toBe(false);
      expect(bypass('https://example.com.evil.test/', entry), entry).toBe(false);
    }
  });

  it('matches a port only when given one', () => {
    expect(bypass('http://h.test:8080/', 'h.test:8080')).toBe(true);
    expect(bypass('http://h.test:8081/', 'h.test:8080')).toBe(false);
    expect(bypass('http://h.test/', 'h.test:80')).toBe(true);
    expect(bypass('https://h.test/', 'h.test:80')).toBe(false);
    expect(bypass('https://h.test/', 'h.test:443')).toBe(true);
  });

  it('treats * as everything, and ignores empty entries', () => {
    expect(bypass('https://anything.test/', '*')).toBe(true);
    expect(bypass('https://anything.test/', ',, ')).toBe(false);
    expect(bypassesProxy(new URL('https://x.test/'), [])).toBe(false);
  });

  it('matches IP addresses exactly, CIDR ranges by prefix, and IPv6 with or without brackets', () => {
    expect(bypass('http://127.0.0.1:3000/', '127.0.0.1')).toBe(true);
    expect(bypass('http://10.1.2.3/', '10.0.0.0/8')).toBe(true);
    expect(bypass('http://11.1.2.3/', '10.0.0.0/8')).toBe(false);
    expect(bypass('http://10.1.2.3/', '0.0.1')).toBe(false); // no suffix matching for addresses
    expect(bypass('http://[::1]:8080/', '::1')).toBe(true);
    expect(bypass('http://[::1]:8080/', '[::1]:8080')).toBe(true);
    expect(bypass('http://[::1]:8081/', '[::1]:8080')).toBe(false);
    expect(bypass('http://[fd00::5]/', 'fd00::/8')).toBe(true);
    expect(bypass('http://10.1.2.3/', '10.0.0.0/99')).toBe(false);
  });
});

describe('proxy environment variables', () => {
  it('takes the scheme-specific variable, lower case first, then all_proxy', () => {
    const url = (u: string) => new URL(u);
    expect(environmentProxy(url('http://a.test/'), { http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:1' })).toBe('http://lower:1');
    expect(environmentProxy(url('http://a.test/'), { HTTP_PROXY: 'http://upper:1' })).toBe('http://upper:1');
    expect(environmentProxy(url('https://a.test/'), { HTTP_PROXY: 'http://upper:1' })).toBeUndefined();
    expect(environmentProxy(url('https://a.test/'), { https_proxy: 'http://s:1', HTTPS_PROXY: 'http://S:1' })).toBe('http://s:1');
    expect(environmentProxy(url('https://a.test/'), { ALL_PROXY: 'http://all:1' })).toBe('http://all:1');
    expect(environmentProxy(url('https://a.test/'), { https_proxy: '  ', ALL_PROXY: 'http://all:1' })).toBe('http://all:1');
  });

  it('ignores HTTP_PROXY under CGI, where a request header could set it (httpoxy)', () => {
    expect(environmentProxy(new URL('http://a.test/'), { HTTP_PROXY: 'http://evil:1', REQUEST_METHOD: 'GET' })).toBeUndefined();
    expect(environmentProxy(new URL('http://a.test/'), { http_proxy: 'http://ok:1', REQUEST_METHOD: 'GET' })).toBe('http://ok:1');
  });

  it('reads no_proxy before NO_PROXY, split on commas and spaces', () => {
    expect(environmentNoProxy({ no_proxy: 'a.test, b.test c.test', NO_PROXY: 'x.test' })).toEqual(['a.test', 'b.test', 'c.test']);
    expect(environmentNoProxy({ NO_PROXY: 'x.test' })).toEqual(['x.test']);
    expect(environmentNoProxy({})).toEqual([]);
  });
});

describe('proxy URLs', () => {
  it('takes credentials out of the URL into a Basic token, decoding percent escapes', () => {
    const p = parseProxy('http://us%40er:p%3Ass@proxy.test:3128');
    expect(p.url.href).toBe('http://proxy.test:3128/');
    expect(p.token).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  });

  it('reads host:port without a scheme as http, and refuses other schemes without echoing secrets', () => {
    expect(parseProxy('proxy.test:3128').url.href).toBe('http://proxy.test:3128/');
    expect(parseProxy({ url: 'https://proxy.test', headers: { 'X-Team': 'qa' } }).headers).toEqual({ 'x-team': 'qa' });
    const err = (() => {
      try {
        parseProxy('socks5://u:topsecret@proxy.test:1080');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProxyError);
    expect((err as Error).message).not.toContain('topsecret');
  });
});
