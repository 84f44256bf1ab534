/** A usage error: shown as one line with a hint, exit code 1. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}
