import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { collectItems, parseItem, UsageError } from '../../src/cli/items.js';
import { expandUrl } from '../../src/cli/target.js';

describe('request items', () => {
  it('splits at the first separator, the longest one at that position', () => {
    expect(parseItem('X-Api:1')).toMatchObject({ sep: ':', key: 'X-Api', value: '1' });
    expect(parseItem('q==a=b')).toMatchObject({ sep: '==', key: 'q', value: 'a=b' });
    expect(parseItem('n:=1')).toMatchObject({ sep: ':=', key: 'n', value: '1' });
    expect(parseItem('doc:=@x.json')).toMatchObject({ sep: ':=@', key: 'doc', value: 'x.json' });
    expect(parseItem('text=@x.txt')).toMatchObject({ sep: '=@', key: 'text', value: 'x.txt' });
    expect(parseItem('f@/tmp/a')).toMatchObject({ sep: '@', key: 'f', value: '/tmp/a' });
    expect(parseItem('url=http://h:1/x')).toMatchObject({ sep: '=', key: 'url', value: 'http://h:1/x' });
    expect(parseItem('a\\=b=c')).toMatchObject({ sep: '=', key: 'a=b', value: 'c' });
    expect(parseItem('plain')).toBeUndefined();
  });

  it('collects headers (empty removes), params, JSON fields', () => {
    const r = collectItems(['Accept:', 'X-Empty;', 'p==1', 'p==2', 'a=1', 'b:=true'], false);
    expect(r.headers).toEqual({ Accept: null, 'X-Empty': '' });
    expect(r.params).toEqual([['p', '1'], ['p', '2']]);
    expect(r.data).toEqual({ a: '1', b: true });
    expect(() => collectItems(['b:=true'], true)).toThrow(UsageError);
    expect(() => collectItems(['f@/no/such/file'], false)).toThrow(/cannot read file/);
  });
});

describe('command line', () => {
  it('expands URL shorthands', () => {
    expect(expandUrl(':8080/x')).toBe('http://localhost:8080/x');
    expect(expandUrl(':/x')).toBe('http://localhost/x');
    expect(expandUrl(':')).toBe('http://localhost/');
    expect(expandUrl('example.org/a')).toBe('http://example.org/a');
    expect(expandUrl('https://e.org')).toBe('https://e.org');
    expect(expandUrl('/api')).toBe('/api');
  });

  it('tells a method from a URL as HTTPie does', () => {
    expect(parseCommand(['PUT', 'e.org', 'a=1'])).toMatchObject({ kind: 'request', method: 'PUT', url: 'e.org', items: ['a=1'] });
    expect(parseCommand(['localhost', 'a=1'])).toMatchObject({ kind: 'request', method: undefined, url: 'localhost', items: ['a=1'] });
    expect(parseCommand(['localhost:3000/x'])).toMatchObject({ method: undefined, url: 'localhost:3000/x' });
    expect(parseCommand(['session', 'show', 'x'])).toMatchObject({ kind: 'session', action: 'show', name: 'x' });
    expect(() => parseCommand(['session'])).toThrow(/expected list, show NAME or rm NAME/);
    expect(() => parseCommand(['login', 'e.org/login'])).toThrow(/--user/);
  });
});
