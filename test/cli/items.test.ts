import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';
import { collectItems, formFields, parseItem } from '../../src/cli/items.js';
import { nestedJson } from '../../src/cli/nested.js';
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
    const r = collectItems(['Accept:', 'X-Empty;', 'X-A:1', 'x-a:2', 'p==1', 'p==2', 'a=1', 'b:=true']);
    expect(r.headers).toEqual({ accept: null, 'x-empty': '', 'x-a': ['1', '2'] });
    expect(r.params).toEqual([['p', '1'], ['p', '2']]);
    expect(nestedJson(r.data)).toEqual({ a: '1', b: true });
    expect(formFields(collectItems(['a=1', 'a=2', 'n:=3']))).toEqual([['a', '1'], ['a', '2'], ['n', '3']]);
    expect(() => formFields(collectItems(['b:=[1]']))).toThrow(UsageError);
    expect(() => collectItems(['f@/no/such/file'])).toThrow(/cannot read file/);
    expect(() => collectItems(['X;v'])).toThrow(/to specify an empty header use `Header;`/);
  });

  it('keeps a backslash before other characters, as HTTPie: `\\[` reaches the nested-JSON parser', () => {
    expect(parseItem('a\\[b\\]=c')).toMatchObject({ sep: '=', key: 'a\\[b\\]', value: 'c' });
    expect(parseItem('k=v\\=w')).toMatchObject({ key: 'k', value: 'v=w' });
    expect(parseItem('H:@f')).toMatchObject({ sep: ':@', key: 'H' });
    expect(parseItem('q==@f')).toMatchObject({ sep: '==@', key: 'q' });
  });
});

describe('nested JSON (HTTPie 3)', () => {
  const body = (...items: string[]) => nestedJson(collectItems(items).data);
  it('builds objects, arrays, indexes and top-level arrays as HTTPie does', () => {
    // The same bodies `http --offline` prints for these items (HTTPie 3.2.1).
    expect(body('a[b]=c', 'a[d][]:=1', 'a[d][]:=2', 'x[1]=y', 'n[0][k]=v', 'esc\\[x\\]=1', '1=num', '\\1=text'))
      .toEqual({ a: { b: 'c', d: [1, 2] }, x: [null, 'y'], n: [{ k: 'v' }], 'esc[x]': '1', 1: ['num', 'text'] }); // '1' given twice: both kept (HTTPie: 'text')
    expect(body('[]:=1', '[]:=2')).toEqual([1, 2]);
    expect(body('[1]=a')).toEqual([null, 'a']);
    // sessio keeps every value of a repeated plain key (HTTPie 3.2.1 keeps the last: a deliberate difference).
    expect(body('a=1', 'a=2')).toEqual({ a: ['1', '2'] });
    expect(body('a=1', 'a=2', 'a:=3')).toEqual({ a: ['1', '2', 3] });
    expect(body('a:=[1]', 'a=2')).toEqual({ a: [[1], '2'] });
    expect(body('__proto__[x]=1')).toEqual(JSON.parse('{"__proto__":{"x":"1"}}'));
  });

  it('fails with HTTPie\'s messages for bad paths', () => {
    expect(() => body('a]=x')).toThrow(/HTTPie Syntax Error: Expecting '\['/);
    expect(() => body('a[b]c=x')).toThrow(/Expecting '\['/);
    expect(() => body('a[-1]=x')).toThrow(/Negative indexes are not supported/);
    expect(() => body('a=1', 'a[b]=2')).toThrow("HTTPie Type Error: Can't perform 'key' based access on 'a' which has a type of 'string' but this operation requires a type of 'object'.");
    expect(() => body('a[b]=c', '[]=x')).toThrow("Can't perform 'append' based access on '' which has a type of 'object' but this operation requires a type of 'array'.");
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
    expect(parseCommand(['login', 'e.org/login'])).toMatchObject({ kind: 'login', login: 'form', url: 'e.org/login' });
    expect(parseCommand(['login', 'jwt', 'e.org/token'])).toMatchObject({ kind: 'login', login: 'jwt', url: 'e.org/token' });
    expect(() => parseCommand(['login'])).toThrow(/needs the URL/);
    expect(parseCommand(['login', 'example.com/login?next=/'])).toMatchObject({ kind: 'login', login: 'form', url: 'example.com/login?next=/' });
    expect(parseCommand(['login', 'e.org/x', 'a=1'])).toMatchObject({ kind: 'request', method: 'LOGIN', url: 'e.org/x' });
    expect(() => parseCommand(['login', 'jwt'])).toThrow(/needs the URL/);
  });
});
