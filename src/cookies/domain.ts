// Host and domain rules of RFC 6265bis sections 5.1.2/5.1.3 and the public suffix check of 5.7.
import { getDomain, getPublicSuffix } from 'tldts';

function isDigitsOnly(s: string, start: number, end: number): boolean {
  if (start === end || end - start > 3) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** True for an IPv6 literal in brackets (as WHATWG URL gives it) or a dotted-quad IPv4 address. */
export function isIpAddress(host: string): boolean {
  if (host.charCodeAt(0) === 0x5b /* [ */) return true;
  const last = host.charCodeAt(host.length - 1);
  if (last < 0x30 || last > 0x39) return false;
  let start = 0;
  let parts = 0;
  for (let i = 0; i <= host.length; i++) {
    if (i === host.length || host.charCodeAt(i) === 0x2e) {
      if (!isDigitsOnly(host, start, i)) return false;
      parts++;
      start = i + 1;
    }
  }
  return parts === 4;
}

/** Domain-match of RFC 6265bis 5.1.3: `host` is `domain` or a subdomain of it (never for IPs). */
export function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return (
    host.length > domain.length &&
    host.endsWith(domain) &&
    host.charCodeAt(host.length - domain.length - 1) === 0x2e &&
    !isIpAddress(host)
  );
}

/**
 * Secure origins as browsers define them: https/wss, and also http to localhost and loopback
 * addresses, so that local development servers can set Secure cookies.
 */
export function isSecureOrigin(protocol: string, host: string): boolean {
  if (protocol === 'https:' || protocol === 'wss:') return true;
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  return host.startsWith('127.') && isIpAddress(host);
}

/**
 * 6265bis ignores a cookie whose Domain attribute is not US-ASCII (request hosts are punycode
 * already, so such a Domain could never match anyway).
 */
export function isAsciiDomain(domain: string): boolean {
  for (let i = 0; i < domain.length; i++) {
    if (domain.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

/**
 * `domain` lower-cased when it is ASCII. A non-ASCII one is returned as it is, for
 * {@link isAsciiDomain} to refuse: Unicode lower-casing would turn some non-ASCII letters into ASCII
 * ones (U+212A KELVIN SIGN into k) and so into another domain.
 */
export function lowerCaseAsciiDomain(domain: string): string {
  return isAsciiDomain(domain) ? domain.toLowerCase() : domain;
}

/**
 * True when `domain` is a public suffix (e.g. `com`, `co.uk`, `github.io`), including the PSL's
 * default `*` rule, so an unlisted single label like `test` counts as one.
 */
export function isPublicSuffix(domain: string): boolean {
  if (isIpAddress(domain)) return false;
  // `co.uk.` (a fully qualified name, as in https://bank.co.uk./) is the suffix `co.uk` too.
  const name = domain.length > 1 && domain.charCodeAt(domain.length - 1) === 0x2e ? domain.slice(0, -1) : domain;
  return getPublicSuffix(name, SUFFIX_OPTIONS) === name;
}

/**
 * The input is a lower-cased domain, not a URL, and IP addresses are ruled out before: tldts can
 * skip extracting and validating a hostname and looking for an IP (a third of its time).
 */
const SUFFIX_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false, detectIp: false, mixedInputs: false };

/**
 * The registrable domain ("site") of a host: `example.co.uk` for `www.example.co.uk`, `user.github.io`
 * for itself; an IP address, `localhost` or a public suffix is its own site.
 */
export function registrableDomain(host: string): string {
  if (isIpAddress(host)) return host;
  const name = host.length > 1 && host.charCodeAt(host.length - 1) === 0x2e ? host.slice(0, -1) : host;
  return getDomain(name, SUFFIX_OPTIONS) ?? name;
}
