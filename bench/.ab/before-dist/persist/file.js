import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ACCEPT_ENCODING } from '../decode.js';
import { SessionFileError } from '../errors.js';
import { applyHeaders } from '../headers.js';
import { writeFileAtomic } from './atomic.js';
import { autosaveOptions } from './autosave.js';
import { cookieRecords, jarFromJSON, jarToJSON, withCookies } from './jar-codec.js';
import { withFileLock } from './lock.js';
import { fingerprints, keyedObject, mergeEntries } from './merge.js';
import { emptyDocument, parseSessionDocument } from './schema.js';
import { getSessionLogin, getSessionTokens, setSessionLogin, setSessionTokens, stateHandlers } from './state.js';
const baselines = new WeakMap();
/** Reads and validates a session file; undefined when it does not exist. The file is never changed. */
export async function readSessionFile(file) {
    let text;
    try {
        text = await readFile(file, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw new SessionFileError(file, `cannot be read: ${err.code ?? err.message}. Check that it is yours and readable.`, { code: 'ERR_SESSION_FILE_READ', cause: err });
    }
    return parseSessionDocument(file, text);
}
/**
 * Saves the session to `file`: under `<file>.lock`, re-reads the file, merges it three-way with what
 * this session holds (see merge.ts: no cookie another process saved meanwhile is lost), and writes
 * the result atomically with mode 0600. A corrupt or newer-schema file is refused and left as is.
 */
export async function saveSession(session, file, options = {}) {
    const path = resolve(file);
    await withFileLock(path, async () => {
        const disk = await readSessionFile(path);
        const ours = snapshot(session);
        const merged = disk ? merge(baselineOf(session, path), ours, disk) : ours;
        merged.savedAt = new Date().toISOString();
        await writeFileAtomic(path, `${JSON.stringify(merged, null, 2)}\n`);
        // The base is what *this session* held: entries merged in from disk but absent from our jar
        // must not look like our deletions at the next save.
        rememberBaseline(session, path, ours);
    }, options.lock);
}
/**
 * Builds a session from `file`: cookies (each bound to its domain), default headers, base URL, login
 * record, tokens and feature state. `init` overrides what the file says. `create` returns the session.
 */
export async function loadSession(file, init, create) {
    const path = resolve(file);
    const doc = await readSessionFile(path);
    if (!doc)
        throw new SessionFileError(path, 'does not exist. Save a session there first (or check the name).', { code: 'ERR_SESSION_FILE_MISSING' });
    return sessionFromDocument(path, doc, init, create);
}
/** A session from an already-read document (the CLI reads once, then builds). */
export function sessionFromDocument(path, doc, init, create) {
    let cookies;
    try {
        cookies = init.cookies ?? jarFromJSON(doc.cookies);
    }
    catch (err) {
        const newer = err.code === 'ERR_COOKIE_JAR_SCHEMA_VERSION';
        throw new SessionFileError(path, `${newer ? 'its cookie jar is from a newer sessio' : 'its cookie jar is damaged'} (${err.message}). It was left untouched.`, { code: newer ? 'ERR_SESSION_FILE_VERSION' : 'ERR_SESSION_FILE_CORRUPT', cause: err });
    }
    const autosave = autosaveOptions(init.autosave, path);
    let session;
    try {
        session = create({ ...init, cookies, baseUrl: init.baseUrl ?? doc.baseUrl, headers: doc.headers, autosave });
    }
    catch (err) {
        // A header with CR/LF or a bad base URL in the file: the file's fault, not the caller's.
        throw new SessionFileError(path, `holds a setting that cannot be used (${err.message}). It was left untouched; fix or delete it.`, { code: 'ERR_SESSION_FILE_CORRUPT', cause: err });
    }
    if (init.headers)
        applyHeaders(session.headers, init.headers);
    if (doc.login)
        setSessionLogin(session, doc.login);
    if (doc.tokens)
        setSessionTokens(session, doc.tokens);
    for (const [name, handler] of stateHandlers()) {
        if (Object.prototype.hasOwnProperty.call(doc.state, name))
            handler.restore(session, doc.state[name]);
    }
    rememberBaseline(session, path, doc);
    return session;
}
/** What this session holds, as a document. */
export function snapshot(session) {
    const doc = emptyDocument();
    if (session.config.baseUrl !== undefined)
        doc.baseUrl = String(session.config.baseUrl);
    doc.headers = ownHeaders(session.headers);
    doc.cookies = jarToJSON(session.cookies);
    const login = getSessionLogin(session);
    if (login)
        doc.login = login;
    const tokens = getSessionTokens(session);
    if (tokens)
        doc.tokens = tokens;
    for (const [name, handler] of stateHandlers()) {
        const value = handler.save(session);
        if (value !== undefined)
            doc.state[name] = value;
    }
    return doc;
}
/** The session's headers minus sessio's own defaults, which a newer sessio may change. */
function ownHeaders(headers) {
    const out = {};
    for (const [k, v] of Object.entries(headers)) {
        if (k === 'user-agent' && typeof v === 'string' && v.startsWith('sessio/'))
            continue;
        if ((k === 'accept' && v === '*/*') || (k === 'accept-encoding' && v === ACCEPT_ENCODING))
            continue;
        out[k] = v;
    }
    return out;
}
function scalars(doc) {
    return { baseUrl: doc.baseUrl, login: doc.login, tokens: doc.tokens };
}
function keyedCookies(json) {
    return cookieRecords(json).map((c) => ({ key: c.key, fingerprint: c.fingerprint, value: c.raw }));
}
function merge(base, ours, disk) {
    const out = emptyDocument();
    out.cookies = withCookies(ours.cookies, mergeEntries(base?.cookies, keyedCookies(ours.cookies), keyedCookies(disk.cookies)));
    out.headers = Object.fromEntries(mergeEntries(base?.headers, keyedObject(ours.headers), keyedObject(disk.headers)));
    out.state = Object.fromEntries(mergeEntries(base?.state, keyedObject(ours.state), keyedObject(disk.state)));
    const s = Object.fromEntries(mergeEntries(base?.scalars, keyedObject(scalars(ours)), keyedObject(scalars(disk))));
    if (s.baseUrl !== undefined)
        out.baseUrl = s.baseUrl;
    if (s.login !== undefined)
        out.login = s.login;
    if (s.tokens !== undefined)
        out.tokens = s.tokens;
    return out;
}
function baselineOf(session, path) {
    return baselines.get(session)?.get(path);
}
function rememberBaseline(session, path, doc) {
    let byFile = baselines.get(session);
    if (!byFile)
        baselines.set(session, (byFile = new Map()));
    byFile.set(path, {
        cookies: fingerprints(keyedCookies(doc.cookies)),
        headers: fingerprints(keyedObject(doc.headers)),
        state: fingerprints(keyedObject(doc.state)),
        scalars: fingerprints(keyedObject(scalars(doc))),
    });
}
