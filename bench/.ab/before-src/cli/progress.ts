/** Human sizes in SI units as HTTPie and curl show them: `1.2 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * A one-line progress bar redrawn in place with `\r`: percent, bar, size, rate and ETA (size and rate
 * only when the total is unknown). Redraws at most every 100 ms; `done()` draws the final state.
 */
export class ProgressBar {
  readonly #write: (s: string) => void;
  readonly #total: number | undefined;
  readonly #columns: number;
  readonly #started = Date.now();
  #received = 0;
  #lastDraw = 0;

  constructor(write: (s: string) => void, total: number | undefined, columns = 80) {
    this.#write = write;
    this.#total = total;
    this.#columns = Math.max(40, columns);
  }

  add(bytes: number): void {
    this.#received += bytes;
    const now = Date.now();
    if (now - this.#lastDraw >= 100) {
      this.#lastDraw = now;
      this.#draw(false);
    }
  }

  done(): void {
    this.#draw(true);
    this.#write('\n');
  }

  #draw(final: boolean): void {
    const elapsed = Math.max((Date.now() - this.#started) / 1000, 0.001);
    const rate = this.#received / elapsed;
    const size = this.#total === undefined ? formatBytes(this.#received) : `${formatBytes(this.#received)}/${formatBytes(this.#total)}`;
    let tail = `${size}  ${formatBytes(Math.round(rate))}/s`;
    if (final) tail += `  in ${formatDuration(elapsed)}`;
    else if (this.#total !== undefined) tail += `  ETA ${formatDuration((this.#total - this.#received) / (rate || 1))}`;
    let line: string;
    if (this.#total !== undefined && this.#total > 0) {
      const ratio = Math.min(1, this.#received / this.#total);
      const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
      const width = Math.max(10, this.#columns - tail.length - pct.length - 6);
      const filled = Math.round(ratio * width);
      const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (ratio < 1 ? '>' : '=') : '') + ' '.repeat(width - filled);
      line = `${pct} [${bar}] ${tail}`;
    } else {
      line = `${final ? 'Done' : 'Downloading'}  ${tail}`;
    }
    this.#write(`\r${line.slice(0, this.#columns - 1)}\x1b[K`);
  }
}
