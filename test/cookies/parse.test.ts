// Point 1 of the cookie issue: Set-Cookie parsing by RFC 6265bis section 5.6.
import { describe, expect, it } from 'vitest';
import { parseCookieDate, parseSetCookie, type ParsedSetCookie } from '../../src/cookies/index.js';

function parsed(s: string): ParsedSetCookie {
  const r = parseSetCookie(s);
  if ('reason' in r) throw new Error(`rejected: ${r.reason}`);
  return r;
}

function rejected(s: string): string {
  const r = parseSetCookie(s);
  return 'reason' in r ? r.reason : 'accepted';
}

describe('parseSetCookie: name and value', () => {
  it('splits at the first = and trims SP/HTAB only', () => {
    expect(parsed(' a = b=c \t; Path=/')).toMatchObject({ name: 'a', value: 'b=c' });
    // U+00A0 is not WSP: kept.
    expect(parsed('\u00a0a=b').name).toBe('\u00a0a');
  });

  it('keeps nameless cookies (no = means the whole pair is the value)', () => {
    expect(parsed('justvalue')).toMatchObject({ name: '', value: 'justvalue' });
    expect(parsed('=v=1')).toMatchObject({ name: '', value: 'v=1' });
  });

  it('keeps an empty value', () => {
    expect(parsed('a=')).toMatchObject({ name: 'a', value: '' });
  });

  it('ignores a string with empty name and value', () => {
    expect(rejected('=')).toBe('empty name and value');
    expect(rejected('  ; Path=/')).toBe('empty name and value');
  });

  it('ignores the whole string when it holds a CTL other than HTAB', () => {
    for (const c of ['\x00', '\x01', '\x0a', '\x0d', '\x1f', '\x7f']) {
      expect(rejected(`a=b${c}c`)).toBe('control character');
      expect(rejected(`a=b; Path=/x${c}`)).toBe('control character');
    }
    expect(parsed('a=b\tc').value).toBe('b\tc');
  });

  it('limits name+value to 4096 octets, counting UTF-8 bytes', () => {
    expect(parsed(`${'n'.repeat(2048)}=${'v'.repeat(2048)}`).value).toHaveLength(2048);
    expect(rejected(`${'n'.repeat(2048)}=${'v'.repeat(2049)}`)).toMatch(/4096/);
    expect(rejected(`n=${'é'.repeat(2048)}`)).toMatch(/4096/); // 4096 + 1 bytes
    expect(parsed(`n=${'é'.repeat(2046)}`).value).toHaveLength(2046);
  });
});

describe('parseSetCookie: attributes', () => {
  it('matches attribute names case-insensitively', () => {
    expect(parsed('a=b; SECURE; hTTpOnLy; SameSite=STRICT; PARTITIONED')).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
      partitioned: true,
    });
  });

  it('ignores an attribute value over 1024 octets, even for Secure', () => {
    expect(parsed(`a=b; Path=/${'p'.repeat(1023)}`).path).toHaveLength(1024);
    expect(parsed(`a=b; Path=/ok; Path=/${'p'.repeat(1024)}`).path).toBe('/ok');
    expect(parsed(`a=b; Secure=${'x'.repeat(1025)}`).secure).toBe(false);
  });

  it('reads Expires by the cookie-date algorithm and ignores unparsable dates', () => {
    expect(parsed('a=b; Expires=Wed, 09 Jun 2021 10:18:14 GMT').expires).toBe(Date.UTC(2021, 5, 9, 10, 18, 14));
    expect(parsed('a=b; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Expires=garbage').expires).toBe(Date.UTC(2021, 5, 9, 10, 18, 14));
    expect(parsed('a=b; Expires=').expires).toBeUndefined();
  });

  it('reads Max-Age as digits with an optional minus sign; the last valid one wins', () => {
    expect(parsed('a=b; Max-Age=10').maxAge).toBe(10);
    expect(parsed('a=b; Max-Age=-5').maxAge).toBe(-5);
    expect(parsed('a=b; Max-Age=10; Max-Age=1.5').maxAge).toBe(10);
    expect(parsed('a=b; Max-Age=+5').maxAge).toBeUndefined();
    expect(parsed('a=b; Max-Age=-').maxAge).toBeUndefined();
    expect(parsed('a=b; Max-Age= 7 ').maxAge).toBe(7);
  });

  it('drops one leading dot of Domain and lower-cases it; the last Domain wins, even empty', () => {
    expect(parsed('a=b; Domain=.Example.COM').domain).toBe('example.com');
    expect(parsed('a=b; Domain=example.com; Domain=').domain).toBe('');
    expect(parsed('a=b; Domain=.').domain).toBe('.');
  });

  it('uses the default path for a Path not starting with /', () => {
    expect(parsed('a=b; Path=/x').path).toBe('/x');
    expect(parsed('a=b; Path=/x; Path=relative').path).toBeNull();
    expect(parsed('a=b; Path=').path).toBeNull();
    expect(parsed('a=b').path).toBeUndefined();
  });

  it('maps unknown SameSite values to default', () => {
    expect(parsed('a=b; SameSite=Lax').sameSite).toBe('lax');
    expect(parsed('a=b; SameSite=None').sameSite).toBe('none');
    expect(parsed('a=b; SameSite=bogus').sameSite).toBe('default');
    expect(parsed('a=b; SameSite').sameSite).toBe('default');
  });

  it('ignores unknown attributes', () => {
    expect(parsed('a=b; Version=1; Comment=x; Priority=High')).toMatchObject({ name: 'a', value: 'b', secure: false });
  });

  it('recognises only whole attribute names, with SP/HTAB before the =', () => {
    // Near misses of known names: a letter more or less, a digit or doubled dash, non-ASCII look-alikes.
    const nearMisses = 'a=b; Path2=/x; Paths=/x; Pat=/x; Max--Age=5; MaxAge=5; Max_Age=5; Securex; Secur; Partitionedx; ' +
      'Partition; HttpOnly2; Same-Site=Lax; P\u0430th=/x; \uff30ath=/x; Domain.=x.com; Domainx=x.com';
    expect(parsed(nearMisses)).toMatchObject({ path: undefined, maxAge: undefined, domain: undefined, secure: false, httpOnly: false, sameSite: 'default', partitioned: false });
    expect(parsed('a=b;Path \t=/x;  Max-Age  =  7 ;\tSecure \t; HttpOnly=anything')).toMatchObject({ path: '/x', maxAge: 7, secure: true, httpOnly: true });
    expect(parsed('a=b; Path x=/y')).toMatchObject({ path: undefined });
  });
});

describe('parseCookieDate', () => {
  it('parses RFC 1123, RFC 850 and asctime forms', () => {
    expect(parseCookieDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseCookieDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseCookieDate('Sun Nov  6 08:49:37 1994')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('maps two-digit years and rejects out-of-range fields and non-existent dates', () => {
    expect(parseCookieDate('01 Jan 69 00:00:00')).toBe(Date.UTC(2069, 0, 1));
    expect(parseCookieDate('01 Jan 70 00:00:00')).toBe(Date.UTC(1970, 0, 1));
    expect(parseCookieDate('01 Jan 1600 00:00:00')).toBeUndefined();
    expect(parseCookieDate('32 Jan 2000 00:00:00')).toBeUndefined();
    expect(parseCookieDate('01 Jan 2000 24:00:00')).toBeUndefined();
    expect(parseCookieDate('30 Feb 2000 00:00:00')).toBeUndefined();
    expect(parseCookieDate('01 Jan 2000')).toBeUndefined();
  });
});
