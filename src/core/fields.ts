/** Request headers as sent: lower-case names, since HTTP field names are case-insensitive. */
export type RequestHeaders = Record<string, string | string[]>;
