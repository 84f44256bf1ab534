/**
 * Saved sessions: a versioned JSON file (schema in schema.ts) written atomically with mode 0600.
 *
 * Concurrency: every save takes `<file>.lock` (O_EXCL, stale locks from dead processes removed), then
 * re-reads the file and merges it three-way with this session's state (merge.ts). The lock makes the
 * read-merge-write cycle of two processes sequential; the merge makes the later one keep the
 * earlier one's cookies. Loading takes no lock: rename makes every read see a whole file.
 */
export { saveSession, loadSession, readSessionFile, sessionFromDocument, snapshot, type SaveOptions, type LoadInit, type CreateSession } from './file.js';
export { OriginHeaders, isOriginBoundHeader } from './origin-headers.js';
export { OriginAuth, type OriginCredentials } from './origin-auth.js';
export { Autosave, autosaveOptions, type AutosaveOptions } from './autosave.js';
export { SavedState, type PersistedParts } from './state.js';
export { SESSION_FORMAT, SESSION_SCHEMA_VERSION, type SessionDocument, LOGIN_KINDS, type LoginRecord, type LoginKind, type LoginRecordOptions, type TokenRecord } from './schema.js';
export { writeFileAtomic, FILE_MODE, DIR_MODE } from './atomic.js';
