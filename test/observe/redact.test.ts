import { describe, expect, it } from 'vitest';
import { redactForm, redactHeaders, redactSetCookie, redactText, redactUrl, redactUrlText } from '../../src/redact.js';

describe('redaction helpers', () => {
  it('JSON members with secret names, whole or cut off at an excerpt boundary', () => {
    expect(redactText('{"user":"a","password":"p\\"w","access_token":"xyz","n":1,"pin":1234}'))
      .toBe('{"user":"a","password":"[REDACTED]","access_token":"[REDACTED]","n":1,"pin":"[REDACTED]"}');
    expect(redactText('{"refresh_token": "abcdef')).toBe('{"refresh_token": "[REDACTED]"');
    expect(redactText('{"client_secret":"s","session":"S1","tokens":{"id_token":"i"}}')).not.toMatch(/"s"|S1|"i"/);
  });

  it('hidden inputs and meta tags holding CSRF tokens, whatever the quoting and attribute order', () => {
    const html = `<input value='tok1' type=hidden name=_csrf><meta content="tok2" name="csrf-token"><input name="authenticity_token" value=tok3><input name="q" value="keep">`;
    const out = redactText(html);
    for (const t of ['tok1', 'tok2', 'tok3']) expect(out).not.toContain(t);
    expect(out).toContain('value="keep"');
    // an excerpt cut in the middle of the tag or of the value
    expect(redactText('<input type="hidden" name="_csrf" value="abcdef')).toBe('<input type="hidden" name="_csrf" value="[REDACTED]"');
    expect(redactText('<meta name="_csrf" content="abc')).not.toContain('abc');
  });

  it('XML elements with secret names', () => {
    expect(redactText('<login><user>bob</user><ns:password a="1">pw</ns:password><accessToken>t'))
      .toBe('<login><user>bob</user><ns:password a="1">[REDACTED]</ns:password><accessToken>[REDACTED]');
  });

  it('key=value pairs: forms, query strings, plain text', () => {
    expect(redactForm('j_username=a&j_password=b&remember-me=on')).toBe('j_username=a&j_password=[REDACTED]&remember-me=on');
    expect(redactText('GET /cb?code=abc&state=1 then password=hunter2;')).toBe('GET /cb?code=abc&state=1 then password=[REDACTED];');
  });

  it('URLs: userinfo and secret query parameters, absolute or relative', () => {
    expect(redactUrl('https://u:p@h.test/x?access_token=1&a=2&code=z&api_key=k')).toBe('https://h.test/x?access_token=[REDACTED]&a=2&code=[REDACTED]&api_key=[REDACTED]');
    expect(redactUrlText('/next?token=t#frag')).toBe('/next?token=[REDACTED]#frag');
    expect(redactUrlText('//user:pw@other.test/p')).toBe('//other.test/p');
  });

  it('headers: credentials keep their scheme, cookies their names, Set-Cookie its attributes', () => {
    expect(redactHeaders({
      authorization: 'Bearer abc',
      'proxy-authorization': 'Basic xyz',
      cookie: 'a=1; b=2',
      'set-cookie': ['s=1; Path=/; Secure', 'bare'],
      'x-auth-token': 't',
      'x-custom': 'c',
      location: '/x?access_token=t',
      accept: '*/*',
    }, new Set(['x-custom']))).toEqual({
      authorization: 'Bearer [REDACTED]',
      'proxy-authorization': 'Basic [REDACTED]',
      cookie: 'a=[REDACTED]; b=[REDACTED]',
      'set-cookie': ['s=[REDACTED]; Path=/; Secure', '[REDACTED]'],
      'x-auth-token': '[REDACTED]',
      'x-custom': '[REDACTED]',
      location: '/x?access_token=[REDACTED]',
      accept: '*/*',
    });
    expect(redactSetCookie('JSESSIONID=abc; HttpOnly')).toBe('JSESSIONID=[REDACTED]; HttpOnly');
  });
});
