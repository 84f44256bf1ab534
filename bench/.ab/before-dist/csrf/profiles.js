const XSRF_COOKIE = { name: 'XSRF-TOKEN', header: 'x-xsrf-token' };
/** Built-in profiles, from each framework's defaults. */
export const CSRF_PROFILES = {
    // Spring Security: HttpSessionCsrfTokenRepository (meta/hidden/endpoint) or CookieCsrfTokenRepository.
    spring: {
        header: 'x-csrf-token',
        cookie: XSRF_COOKIE,
        meta: { token: '_csrf', header: '_csrf_header' },
        hiddenInputs: ['_csrf'],
        isFailure: (status, text) => status === 403 && text !== undefined && /csrf/i.test(text),
    },
    django: {
        header: 'x-csrftoken',
        cookie: { name: 'csrftoken', header: 'x-csrftoken' },
        hiddenInputs: ['csrfmiddlewaretoken'],
        referer: true,
        isFailure: (status, text) => status === 403 && text !== undefined && /CSRF (verification )?fail/i.test(text),
    },
    rails: {
        header: 'x-csrf-token',
        meta: { token: 'csrf-token' },
        hiddenInputs: ['authenticity_token'],
        isFailure: (status, text) => (status === 422 || status === 403) && text !== undefined && /authenticity.?token/i.test(text),
    },
    angular: {
        header: 'x-xsrf-token',
        cookie: XSRF_COOKIE,
        isFailure: (status, text) => status === 403 && text !== undefined && /[cx]srf/i.test(text),
    },
    // Laravel's VerifyCsrfToken answers 419 "Page Expired" / "CSRF token mismatch."
    laravel: {
        header: 'x-csrf-token',
        cookie: XSRF_COOKIE,
        meta: { token: 'csrf-token' },
        hiddenInputs: ['_token'],
        isFailure: (status) => status === 419,
    },
};
/** Turns the `csrf` option into a full profile. */
export function toCsrfProfile(init) {
    if (typeof init === 'string')
        return profileNamed(init);
    const { profile, ...custom } = init;
    const base = profile ? profileNamed(profile) : undefined;
    const header = custom.header ?? base?.header;
    if (!header)
        throw new TypeError('A custom csrf profile needs `header` (the header the token is sent in) or `profile`');
    return { ...base, ...custom, header: header.toLowerCase() };
}
function profileNamed(name) {
    const found = CSRF_PROFILES[name];
    if (!found)
        throw new TypeError(`Unknown csrf profile ${JSON.stringify(name)}: use one of ${Object.keys(CSRF_PROFILES).join(', ')} or a custom profile`);
    return found;
}
