/** Node flags for a child process that runs one of the bench's .ts files. */
export const TS_CHILD_ARGV = ['--import', 'tsx'];
