// Progress of long work (create, clone, lab up/reset) on stderr: on a terminal a progress bar
// (cli-progress) for byte steps and a line per step; piped, plain lines only — a line per step and
// per further 10 % of a byte step — with no control characters (a file name or URL that holds one
// is escaped), so logs and scripts read it as text.

export interface ByteProgress {
  done: number;
  total?: number;
}

export interface ProgressReporter {
  /** A new step begins: one line. */
  step(text: string): void;
  /** How far the current byte step is. */
  bytes(label: string, p: ByteProgress): void;
  /** Ends the bar (if any) so that later output starts on a line of its own. */
  stop(): void;
}

/** Text safe for one line: control characters become \xNN (newlines a space). */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => (ch === '\n' ? ' ' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

const mib = (n: number): string => (n / 2 ** 20).toFixed(1);

/** "42% (12.0/28.5 MiB)", or "12.0 MiB" when the total is unknown. */
export function bytesText(p: ByteProgress): string {
  return p.total ? `${Math.floor((p.done * 100) / p.total)}% (${mib(p.done)}/${mib(p.total)} MiB)` : `${mib(p.done)} MiB`;
}

/** Whether a byte update is worth a plain line after `prev`: the end, or each further 10 % (64 MiB without a total). */
export function worthALine(prev: ByteProgress | undefined, p: ByteProgress): boolean {
  if (!prev) return true;
  if (p.total && p.done >= p.total) return prev.done < p.total;
  if (p.total) return Math.floor((p.done * 10) / p.total) > Math.floor((prev.done * 10) / p.total);
  return Math.floor(p.done / 2 ** 26) > Math.floor(prev.done / 2 ** 26);
}

/** Plain lines (stderr not a terminal, or --no-progress-bar situations). */
export function lineReporter(write: (text: string) => void): ProgressReporter {
  let prev: { label: string; p: ByteProgress } | undefined;
  return {
    step(text) {
      prev = undefined;
      write(`${plainText(text)}\n`);
    },
    bytes(label, p) {
      if (prev?.label === label && !worthALine(prev.p, p)) return;
      prev = { label, p };
      write(`${plainText(label)} ${bytesText(p)}\n`);
    },
    stop() {
      prev = undefined;
    },
  };
}

/** A terminal: a cli-progress bar for byte steps, step lines above it. Loaded only when used. */
export async function barReporter(stream: NodeJS.WriteStream): Promise<ProgressReporter> {
  const { SingleBar } = (await import('cli-progress')).default;
  let bar: InstanceType<typeof SingleBar> | null = null;
  let label = '';
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    step(text) {
      stopBar();
      stream.write(`${plainText(text)}\n`);
    },
    bytes(name, p) {
      const total = p.total ?? 0;
      if (!bar || name !== label) {
        stopBar();
        label = name;
        bar = new SingleBar({
          stream,
          format: total ? '{label} {bar} {percentage}% | {doneMib}/{totalMib} MiB' : '{label} {doneMib} MiB',
          hideCursor: true,
          barsize: 30,
          etaBuffer: 20,
          // Redraw at most 10 times a second; the bar is for people, not logs.
          fps: 10,
        });
        bar.start(total || 1, 0, { label: plainText(name), doneMib: mib(0), totalMib: mib(total) });
      }
      bar.update(total ? Math.min(p.done, total) : 0, { label: plainText(name), doneMib: mib(p.done), totalMib: mib(total) });
    },
    stop: stopBar,
  };
}

/** The reporter for stderr: a bar on a terminal, plain lines otherwise. */
export async function stderrProgress(): Promise<ProgressReporter> {
  return process.stderr.isTTY ? barReporter(process.stderr) : lineReporter((t) => void process.stderr.write(t));
}
