import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSecretField, isSecretQuery, REDACT_SCAN_LIMIT, REDACTED, redactBody, redactForm, redactHeaders, redactSetCookie, redactText, redactUrl, redactUrlText,
} from '../../src/core/redact.js';

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

describe('redaction of values that are not plain strings, and of encoded keys', () => {
  it('a secret JSON member loses its whole value: array, object, literal, nested or cut off', () => {
    expect(redactText('{"password":["S3CRET"],"token":{"v":"S3CRET"},"pin":true,"user":"bob"}'))
      .toBe('{"password":"[REDACTED]","token":"[REDACTED]","pin":"[REDACTED]","user":"bob"}');
    expect(redactText('{"a":{"b":[1,{"secret":[[["S3CRET"]]]}]},"x":"y"}')).toBe('{"a":{"b":[1,{"secret":"[REDACTED]"}]},"x":"y"}');
    expect(redactText('{"credentials": {"user": "u", "pass": "S3CRET"')).toBe('{"credentials": "[REDACTED]"');
    expect(redactText('{"pass\\u0077ord":"S3CRET"}')).toBe('{"pass\\u0077ord":"[REDACTED]"}');
    // a stray quote in the surrounding text does not hide the JSON after it
    expect(redactText('He said "hi. {"password":"S3CRET"}')).toBe('He said "hi. {"password":"[REDACTED]"}');
    // a value that looks like a secret name is not a key
    expect(redactText('{"a":"password","b":"c"}')).toBe('{"a":"password","b":"c"}');
  });

  it('complete JSON stays valid JSON, equal to redacting the parsed value', () => {
    const secretKey = fc.constantFrom('password', 'access_token', 'pin', 'apiKey', 'session_id', 'user[password]');
    const key = fc.oneof(secretKey, fc.string({ maxLength: 6 }));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value;
    const structural = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(structural);
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSecretField(k) ? REDACTED : structural(x)]));
      }
      return v;
    };
    fc.assert(fc.property(json, fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      expect(JSON.parse(redactText(text))).toEqual(structural(JSON.parse(text)));
    }), { numRuns: 300 });
  });

  it('percent-encoded and plus-encoded form keys are decoded before judging', () => {
    expect(redactText('user%5Bemail%5D=a%40b.c&user%5Bpassword%5D=S3CRET')).toBe('user%5Bemail%5D=a%40b.c&user%5Bpassword%5D=[REDACTED]');
    expect(redactText('new+password=S3CRET&x=1')).toBe('new+password=[REDACTED]&x=1');
    expect(redactText('bad%ZZpassword=S3CRET')).toBe('bad%ZZpassword=[REDACTED]');
  });

  it('query secrets: isSecretQuery adds code, key and sig to the field names', () => {
    for (const name of ['code', 'KEY', 'sig', 'access_token', 'password']) expect(isSecretQuery(name), name).toBe(true);
    for (const name of ['state', 'keys', 'page']) expect(isSecretQuery(name), name).toBe(false);
    expect(isSecretField('code')).toBe(false);
  });

  it('an unparsable URL loses its userinfo up to the last @, even with / in the password', () => {
    expect(redactUrl('http://u:S3CRET@[::1/?access_token=S3CRET')).toBe('http://[::1/?access_token=[REDACTED]');
    expect(redactUrl('http://bob:pa/S3CRET@[bad')).toBe('http://[bad');
  });
});

describe('redactText on adversarial input', () => {
  const SIZE = 64 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

  it('completes on 64 KB inputs built to make backtracking patterns quadratic', () => {
    const inputs = ['<a ', '<input ', '"\\', '" ', '":', '{"password":[', '<input name=password value', ' a', '&a', '<password>', '<a:b c=', '"a":"b",'].map(fill);
    for (const input of inputs) {
      const out = redactText(input);
      expect(out.length).toBeGreaterThan(0);
      expect(out.length).toBeLessThanOrEqual(input.length + 64);
    }
  });

  it('still finds a secret placed after 60 KB of adversarial text', () => {
    for (const unit of ['<a ', '"\\', '<input ', ' a', '"x" ']) {
      const prefix = fill(unit).slice(0, 60 * 1024);
      for (const secret of ['{"password":"S3CRET"}', '<input name="_csrf" value="S3CRET">', '<password>S3CRET</password>', ' password=S3CRET']) {
        // a separator so that the secret is not glued to an unclosed tag or string of the prefix
        const out = redactText(`${prefix}\n>"\n${secret}`);
        expect(out, `${unit} + ${secret}`).not.toContain('S3CRET');
      }
    }
  });

  it('scans at most REDACT_SCAN_LIMIT characters and never returns the unscanned rest', () => {
    const text = 'a'.repeat(REDACT_SCAN_LIMIT) + ' password=S3CRET';
    const out = redactText(text);
    expect(out).not.toContain('S3CRET');
    expect(out).toContain('more characters not shown');
    expect(redactBody(text)).toEqual({ text: 'a'.repeat(REDACT_SCAN_LIMIT), truncated: true });
    expect(redactBody('password=S3CRET', 12)).toEqual({ text: 'password=[REDACTED]', truncated: true });
    expect(redactBody('password=S3CRET')).toEqual({ text: 'password=[REDACTED]', truncated: false });
  });
});
